/**
 * A `ws` server behind Node's `upgrade` event that completes the WebSocket handshake only for a
 * Login with Amazon token Amazon vouches for, sent as `Authorization: Bearer …` (Node clients;
 * a browser cannot set it: use socket.io's `auth`, or a first message). The check runs before the
 * handshake; a client that goes away meanwhile aborts its wait.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LoginWithAmazonError, type AmazonProfile, type LoginWithAmazonStrategy } from 'passport-login-with-amazon';

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

/** The bearer token of the upgrade request, or undefined (introspect() then rejects LWA_NO_TOKEN). */
function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([^ ]+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Answers the upgrade request with an HTTP status and closes the socket: the token never in it. */
function refuse(socket: Duplex, status: number): void {
  const challenge = status === 401 ? 'WWW-Authenticate: Bearer realm="Users", error="invalid_token"\r\n' : '';
  socket.end(`HTTP/1.1 ${String(status)} ${REASONS[status] ?? 'Error'}\r\n${challenge}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Serves WebSockets on `server`; `onConnection` gets each admitted socket and its Amazon profile. */
export function acceptAmazonSockets(server: Server, strategy: LoginWithAmazonStrategy, onConnection: (ws: WebSocket, profile: AmazonProfile) => void, log: (line: string) => void): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const gone = new AbortController();
    socket.on('error', () => { gone.abort(); });
    socket.once('close', () => { gone.abort(); });
    strategy.introspect(bearer(req), { signal: gone.signal }).then(({ profile }) => {
      wss.handleUpgrade(req, socket, head, (ws) => { onConnection(ws, profile); });
    }, (err: unknown) => {
      const known = err instanceof LoginWithAmazonError;
      log(`upgrade refused: ${known ? err.code : 'error'}`);
      if (!socket.destroyed) refuse(socket, known ? err.status : 500);
    });
  });
  return wss;
}
