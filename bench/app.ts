/**
 * One app under test, run in its own child process by bench/run.ts (`node --import tsx bench/app.ts`):
 * an Express 5 app on 127.0.0.1 (free port) with `GET /me` behind one Passport strategy.
 * It reports its port over IPC, answers `stats` with its peak RSS, and exits on `stop` or when
 * the parent goes away.
 */
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import got, { HTTPError } from 'got';
import { Passport } from 'passport';
import AmazonTokenStrategy from 'passport-amazon-token';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { APP_KINDS, type AppKind, type ChildMessage, type ParentMessage } from './protocol.js';
import { startTelemetry } from './telemetry.js';

interface User {
  id: string;
}

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

const kind = env('BENCH_APP') as AppKind;
if (!APP_KINDS.includes(kind)) throw new Error(`unknown BENCH_APP ${kind}`);
const clientID = env('BENCH_CLIENT_ID');
const tokenInfoURL = env('BENCH_TOKENINFO_URL');
const profileURL = env('BENCH_PROFILE_URL');
/** Where the strategy is loaded from: the benchmark's build of lib/ (see buildStrategy in apps.ts). */
const { LoginWithAmazonStrategy } = (await import(new URL('index.js', env('BENCH_LIB')).href)) as typeof import('../lib/index.js');

/**
 * What a user writes from Amazon's docs today: passport-http-bearer, then tokeninfo, check `aud`,
 * then the profile, one after the other, with got's defaults.
 */
function baselineStrategy() {
  return new BearerStrategy((token, done) => {
    const headers = { 'x-amz-access-token': token };
    (async () => {
      const info = await got(tokenInfoURL, { headers }).json<{ aud?: string }>();
      if (info.aud !== clientID) return false;
      const profile = await got(profileURL, { headers }).json<{ user_id: string }>();
      return { id: profile.user_id };
    })().then(
      (user) => done(null, user),
      (err: unknown) => (err instanceof HTTPError && err.response.statusCode < 500 ? done(null, false) : done(err)),
    );
  });
}

function strategyFor(app: AppKind) {
  switch (app) {
    case 'lwa-off':
    case 'lwa-off-tokeninfo':
    case 'lwa-on':
    case 'lwa-on-otel':
      return new LoginWithAmazonStrategy(
        {
          clientID, tokenInfoURL, profileURL,
          // The malformed mix sends tokens in the query too (bearer + query): turn the query on.
          tokenSources: ['header', 'amz-header', 'body', 'query'],
          ...(app === 'lwa-on' || app === 'lwa-on-otel' ? {} : { cache: false as const }),
          ...(app === 'lwa-off-tokeninfo' ? { profile: false } : {}),
        },
        // The same verify as the other apps: a callback, answered at once.
        (_accessToken, _refreshToken, profile, done) => {
          done(null, { id: profile.id });
        },
      );
    case 'baseline':
      return baselineStrategy();
    case 'peer':
      // passport-amazon-token reads the token from the body or query only, and asks the profile
      // endpoint alone (Authorization: Bearer); `profileURL` points it at the fake.
      return new AmazonTokenStrategy({ clientID, clientSecret: 'unused', profileURL }, (_a, _r, profile, done) => {
        done(null, { id: profile.id });
      });
    case 'ceiling':
      // The upper bound: the same Express + Passport path with a verify that does nothing.
      return new BearerStrategy((_token, done) => {
        done(null, { id: 'amzn1.account.CEILING' });
      });
  }
}

// The OpenTelemetry bridge recording spans and metrics, exported (and dropped) as a real SDK setup would.
if (kind === 'lwa-on-otel') await startTelemetry(env('BENCH_LIB'));

const passport = new Passport();
passport.use('bench', strategyFor(kind));

const app = express();
app.use(passport.initialize());
app.get('/me', passport.authenticate('bench', { session: false }) as RequestHandler, (req, res) => {
  res.json({ id: (req.user as User).id });
});
const onError: ErrorRequestHandler = (_err, _req, res, _next) => {
  res.status(500).json({ error: 'server_error' });
};
app.use(onError);

const server = app.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
});

function send(message: ChildMessage): void {
  process.send?.(message);
}

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stats') {
    // maxRSS: the kernel's high-water mark for this process, in kilobytes.
    send({ type: 'stats', maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss });
  } else {
    stop();
  }
});
process.on('disconnect', stop);
