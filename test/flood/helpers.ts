/**
 * Pieces of the flood tests: a plain Express 5 app without an error handler of its own (so that
 * Express's default handler answers errors), and a wait for a condition on the fake Amazon.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { Passport } from 'passport';
import type { Strategy } from 'passport-strategy';
import type { Admission } from '../../lib/passport/admission.js';

export interface PlainApp {
  url: string;
  /** Requests that reached the route after authentication. */
  reached: number;
  close(): Promise<void>;
}

/** `ALL /auth` behind the strategy (`session: false`), JSON and form bodies parsed; no error handler. */
export async function startPlainApp(strategy: Strategy & { name: string }): Promise<PlainApp> {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  app.use(express.json());
  const state: PlainApp = { url: '', reached: 0, close: async () => undefined };
  app.all('/auth', passport.authenticate(strategy.name, { session: false }) as RequestHandler, (req, res) => {
    state.reached += 1;
    res.json({ user: req.user });
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/auth`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

/** Waits (polling every 5 ms, at most `limitMs`) until `condition()` holds; throws if it never does. */
export async function until(condition: () => boolean, limitMs = 5000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The strategy's admission (a private field: read for the tests' "back to zero" checks). */
export function admissionOf(strategy: object): Admission {
  return (strategy as unknown as { admission: Admission }).admission;
}
