/**
 * A socket.io server that admits a connection only with a Login with Amazon token Amazon vouches
 * for (docs/access-tokens.md#outside-a-passport-route): the client sends it as
 * `io(url, { auth: { token } })`, never in the URL; the middleware calls strategy.introspect().
 * A refused handshake ends in `connect_error` with a fixed message and no token.
 */
import type { Server, Socket } from 'socket.io';
import { LoginWithAmazonError, type LoginWithAmazonStrategy } from 'passport-login-with-amazon';

/** Installs the token check on `io`; an admitted socket has `socket.data.profile`. */
export function requireAmazonToken(io: Server, strategy: LoginWithAmazonStrategy, log: (line: string) => void): void {
  io.use((socket: Socket, next: (err?: Error) => void) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    strategy.introspect(auth.token).then(({ profile }) => {
      (socket.data as { profile?: unknown }).profile = profile;
      next();
    }, (err: unknown) => {
      const refused = err instanceof LoginWithAmazonError && err.isRejection;
      log(`handshake refused: ${err instanceof LoginWithAmazonError ? err.code : 'error'}`);
      next(new Error(refused ? 'unauthorized' : 'unavailable'));
    });
  });
}
