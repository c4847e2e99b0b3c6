import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import type { Strategy } from 'passport-strategy';

/** What a custom Passport callback saw: `(err, user, info, status)`. */
export interface CallbackSeen {
  err: unknown;
  user: unknown;
  info: unknown;
  status: unknown;
}

/** A real Express 5 app on 127.0.0.1 with the strategy on `/api/me` and a custom-callback route. */
export interface TestApp {
  url: string;
  /** Errors that reached the Express error handler. */
  errors: unknown[];
  /** What the custom callback of `/custom` saw, last request first. */
  seen: CallbackSeen[];
  close(): Promise<void>;
}

export async function startApp(strategy: Strategy & { name?: string }): Promise<TestApp> {
  const passport = new Passport();
  passport.use(strategy);
  const name = strategy.name ?? 'amazon-token';
  const errors: unknown[] = [];
  const seen: CallbackSeen[] = [];
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  const authenticate = passport.authenticate(name, { session: false }) as RequestHandler;
  app.all('/api/me', authenticate, (req, res) => {
    res.json({ user: req.user, authInfo: (req as { authInfo?: unknown }).authInfo ?? null });
  });
  app.all('/custom', (req, res, next) => {
    const handler = passport.authenticate(name, { session: false }, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      seen.unshift({ err, user, info, status });
      res.json({ ok: true });
    }) as RequestHandler;
    handler(req, res, next);
  });
  const onError: ErrorRequestHandler = (err: { status?: number; code?: string }, _req, res, _next) => {
    errors.push(err);
    res.status(err.status ?? 500).json({ code: err.code ?? null });
  };
  app.use(onError);
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    errors,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
