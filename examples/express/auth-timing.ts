import { AsyncLocalStorage } from 'node:async_hooks';
import dc from 'node:diagnostics_channel';
import type { RequestHandler, Response } from 'express';
import { AUTHENTICATE_CHANNEL, UPSTREAM_CHANNEL, type AuthenticateContext, type CacheAnswer } from 'passport-login-with-amazon';

/** What one request learns from the strategy's channels. */
interface Timing {
  res: Response;
  upstreamCalls: number;
}

const current = new AsyncLocalStorage<Timing>();
const startedAt = new WeakMap<object, number>();

/** How the validation was answered, for people. */
function answeredBy(cache: CacheAnswer | undefined, calls: number): string {
  switch (cache) {
    case 'hit': return 'the cache (no call to Amazon)';
    case 'store': return 'the shared store (no call to Amazon)';
    case 'coalesced': return 'another request\'s call to Amazon';
    case 'miss':
    case 'off': return `Amazon (${String(calls)} ${calls === 1 ? 'call' : 'calls'})`;
    default: return 'no token to check';
  }
}

// The strategy publishes on these channels; this example listens to show, per sign-in, whether
// Amazon was called or the cache answered, and how long the authentication took. The answer goes
// out in a standard Server-Timing header before Passport sends the response.
dc.tracingChannel<unknown, AuthenticateContext>(AUTHENTICATE_CHANNEL).subscribe({
  start: (message) => { startedAt.set(message, performance.now()); },
  end: () => undefined,
  error: () => undefined,
  asyncEnd: () => undefined,
  asyncStart: (message) => {
    const timing = current.getStore();
    const started = startedAt.get(message);
    if (!timing || started === undefined || timing.res.headersSent) return;
    const ms = (performance.now() - started).toFixed(1);
    timing.res.setHeader('server-timing', `lwa-auth;dur=${ms};desc="${answeredBy(message.cache, timing.upstreamCalls)}"`);
  },
});
dc.subscribe(`tracing:${UPSTREAM_CHANNEL}:start`, () => {
  const timing = current.getStore();
  if (timing) timing.upstreamCalls += 1;
});

/** Middleware before `passport.authenticate()`: gives the request its place for the channel's answers. */
export const authTiming: RequestHandler = (_req, res, next) => {
  current.run({ res, upstreamCalls: 0 }, next);
};
