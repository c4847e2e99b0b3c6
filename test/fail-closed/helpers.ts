/**
 * Apps whose code misbehaves on purpose (a verify that throws falsy values, a custom Passport
 * callback that throws) in front of the fake Amazon, and a watch on unhandled rejections and
 * uncaught exceptions: a request must always end in the framework's error handler, never hang,
 * never crash the process, and never reach the protected route.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import express5 from 'express';
import { Passport } from 'passport';
import type { Strategy } from 'passport-strategy';

/** Where a custom callback throws: on the outcome it is handed. */
export type ThrowOn = 'success' | 'fail' | 'error' | 'all';

/** What the test app answers and remembers. */
export interface MisbehavingApp {
  url: string;
  /** Requests that reached a protected route (must stay 0 on every failing path). */
  reached: number;
  /** Errors the error handler answered, oldest first. */
  errors: unknown[];
  /** The outcomes a custom callback was called with, in order ('success', 'fail', 'error'). */
  seen: string[];
  /** Forgets what was reached and answered so far. */
  reset(): void;
  close(): Promise<void>;
}

type Express = typeof express5;
// `express4` is npm:express@4, which has no types of its own; the calls used here are the same in 4 and 5.
const express4 = createRequire(import.meta.url)('express4') as Express;

/**
 * Express 4 or 5 with `/protected` (plain `passport.authenticate`) and `/custom/:throwOn`
 * (a custom callback that throws on the given outcome, else answers like a normal app).
 */
export async function startExpress(version: 4 | 5, strategy: Strategy & { name: string }): Promise<MisbehavingApp> {
  const express = version === 4 ? express4 : express5;
  const passport = new Passport();
  passport.use(strategy);
  const state = { reached: 0, errors: [] as unknown[], seen: [] as string[] };
  const app = express();
  app.get('/protected', passport.authenticate(strategy.name, { session: false }) as express5.RequestHandler, (_req, res) => {
    state.reached += 1;
    res.json({ protected: true });
  });
  app.get('/custom/:throwOn', (req, res, next) => {
    const throwOn = req.params.throwOn as ThrowOn;
    const callback = (err: unknown, user: unknown): void => {
      const outcome = err ? 'error' : user ? 'success' : 'fail';
      state.seen.push(outcome);
      if (throwOn === 'all' || throwOn === outcome) throw new Error(`custom callback throws on ${outcome}`);
      if (err) { next(err); return; }
      if (user) state.reached += 1;
      res.status(user ? 200 : 401).json({ outcome });
    };
    (passport.authenticate(strategy.name, { session: false }, callback) as express5.RequestHandler)(req, res, next);
  });
  app.use(((err, _req, res, _next) => {
    state.errors.push(err);
    res.status(500).json({ handled: true, message: err instanceof Error ? err.message : null });
  }) as express5.ErrorRequestHandler);
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    get reached() { return state.reached; },
    errors: state.errors,
    seen: state.seen,
    reset: () => { state.reached = 0; state.errors.length = 0; state.seen.length = 0; },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
    },
  };
}

/** GET with a bearer token, bounded in time: a hang fails the test instead of stalling the suite. */
export async function get(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/**
 * Records unhandled rejections and uncaught exceptions while the file runs; after each test,
 * expects none (Node's default would have killed the process).
 */
export function watchProcess(): void {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => { seen.push(reason); };
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onRejection);
  });
  afterEach(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
    seen.length = 0;
  });
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onRejection);
  });
}
