/**
 * Two "processes" of one website behind one callback URL (test/website/replay-store*.test.ts): two
 * strategy instances, each with its own cookieStateStore (its own memory of used states), picked
 * per request by a `proc=b` cookie, as a load balancer would.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { cookieStateStore, LoginWithAmazonOAuth2Strategy, type CacheStore } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from './browser-jar.js';
import { codeGrantOptions, toUser } from './code-grant-app.js';

/** The sealing secret both processes share. */
export const REPLAY_SECRET = 'replay-store-secret-0123456789abcdefgh';

export interface Processes { url: string; errors: unknown[]; close(): Promise<void> }

/** One callback URL, two "processes": the request goes to B when the browser carries `proc=b`, else to A. */
export async function startTwoProcesses(amazon: FakeAmazon, replayStore: () => CacheStore | undefined, timeout = 1000): Promise<Processes> {
  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
  const routers = ['a', 'b'].map(() => {
    const store = replayStore();
    const passport = new Passport();
    passport.use(new LoginWithAmazonOAuth2Strategy({
      ...codeGrantOptions(amazon, `${url}/auth/amazon/callback`), timeout, store: cookieStateStore({ secret: REPLAY_SECRET, ...(store ? { replayStore: store } : {}) }),
    }, toUser));
    return express.Router()
      .get('/auth/amazon', passport.authenticate('amazon', { session: false }) as RequestHandler)
      .get('/auth/amazon/callback', passport.authenticate('amazon', { session: false }) as RequestHandler, (req, res) => { res.json({ user: req.user }); });
  });
  const [a, b] = routers as [express.Router, express.Router];
  app.use((req, res, next) => { ((req.headers.cookie ?? '').includes('proc=b') ? b : a)(req, res, next); });
  const errors: unknown[] = [];
  const handler: ErrorRequestHandler = (err, _req, res, _next) => { errors.push(err); res.status(500).json({ error: (err as Error).message }); };
  app.use(handler);
  return { url, errors, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }) };
}

/**
 * A sign-in completed in process A, then the replay: the used cookie with a fresh code for the same
 * state and challenge, sent to process B. The replay's response, and the used cookie (for leak checks).
 */
export async function replayInAnotherProcess(p: Processes): Promise<{ first: Response; replay: Response; cookie: string; code: string }> {
  const browser = new CookieBrowser(p.url);
  const start = await browser.request(`${p.url}/auth/amazon`);
  const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  const authorize = start.headers.get('location') ?? '';
  const first = await browser.follow(authorize).then(({ res }) => res);
  const fresh = await fetch(authorize, { redirect: 'manual' }); // Amazon again, same state and challenge: a new code
  const callback = fresh.headers.get('location') ?? '';
  const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: `${cookie}; proc=b` } });
  return { first, replay, cookie, code: new URL(callback).searchParams.get('code') ?? '' };
}

