/**
 * Express 4 (the `express4` alias) and Express 5: `passport.authenticate('amazon-token',
 * { session: false })` in a real app on 127.0.0.1, called with fetch.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express5, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { ADA, CLIENT_ID, bearer, describeDropIn, expectBodyAndQueryTokens, expectTokenNowhere, fetchReply, strategyOptions, type Harness } from './helpers.js';

type Express = typeof express5;
// `express4` is npm:express@4, which has no types of its own; the calls used here are the same in 4 and 5.
const express4 = createRequire(import.meta.url)('express4') as Express;

const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

/** [title, installed version, the express function, its major]. */
const VERSIONS: [string, string, Express, string][] = [
  ['Express 4', versionOf('express4'), express4, '4'],
  ['Express 5', versionOf('express'), express5, '5'],
];

interface AppOptions {
  /** Add the app's error handler (as examples/express does); without it, Express's finalhandler answers. */
  errorHandler?: boolean;
}

/** The app of the README: the strategy on `/api/me`, body parsers, and an error handler. */
async function serve(express: Express, options: LoginWithAmazonStrategyOptions, app: AppOptions = {}): Promise<Harness> {
  const passport = new Passport();
  passport.use(new LoginWithAmazonStrategy(options, (_accessToken, _refreshToken, profile, done) => {
    const { _raw, _json, ...user } = profile;
    done(null, user);
  }));
  const errors: unknown[] = [];
  const server = express();
  server.use(express.json());
  server.use(express.urlencoded({ extended: false }));
  server.use(passport.initialize());
  const authenticate = passport.authenticate('amazon-token', { session: false }) as RequestHandler;
  server.all('/api/me', authenticate, (req, res) => {
    res.json(req.user);
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    errors.push(err);
    if (!(app.errorHandler ?? true)) {
      next(err); // on to Express's finalhandler
      return;
    }
    const known = err instanceof LoginWithAmazonError;
    res.status(known ? err.status : 500).json({ error: known ? err.code : 'internal_error', message: known ? err.message : 'internal error' });
  };
  server.use(onError);
  const listening: Server = server.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  const url = `http://127.0.0.1:${String((listening.address() as AddressInfo).port)}`;
  return {
    call: (call) => fetchReply(url, call),
    errors,
    logged: () => inspect(errors, { depth: 10, showHidden: true }),
    close: async () => {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
  };
}

describe.each(VERSIONS)('%s (express@%s)', (_name, version, express, major) => {
  test('is the major version it claims', () => {
    expect(version.split('.')[0]).toBe(major);
  });

  describeDropIn((options) => serve(express, options));

  describe('token places and Express\'s own error handling', () => {
    let amazon: FakeAmazon;
    let options: LoginWithAmazonStrategyOptions;
    const apps: Harness[] = [];

    beforeAll(async () => {
      amazon = await createFakeAmazon({ clientID: CLIENT_ID });
      options = strategyOptions(amazon);
    });

    afterAll(async () => {
      for (const app of apps) await app.close();
      await amazon.close();
    });

    test('reads access_token from a JSON body and a form body, and ignores the query (off by default)', async () => {
      const app = await serve(express, options);
      apps.push(app);
      await expectBodyAndQueryTokens(app, amazon);
    });

    test('without an error handler, Express\'s finalhandler answers the error\'s status 502', async () => {
      const app = await serve(express, options, { errorHandler: false });
      apps.push(app);
      amazon.fault('profile', { drop: true, times: 1 });
      const token = amazon.issueToken(ADA);
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(502);
      expect(app.errors).toEqual([expect.objectContaining({ code: 'LWA_NETWORK', status: 502 })]);
      // Outside production, finalhandler's page shows err.stack: still no token.
      expect(reply.text).toContain('LoginWithAmazonError');
      expectTokenNowhere(app, reply, token);
    });
  });
});
