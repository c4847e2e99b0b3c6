/** Koa 3 with koa-passport, @koa/router and @koa/bodyparser: examples/koa on a real server. */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import { LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { createApp } from '../../examples/koa/app.js';
import { ADA, CLIENT_ID, bearer, describeDropIn, expectBodyAndQueryTokens, expectTokenNowhere, fetchReply, strategyOptions, type Harness } from './helpers.js';

/** Serves a Koa app on 127.0.0.1 (port 0); errors are what Koa's 'error' event reported. */
async function serve(app: Koa): Promise<Harness> {
  const errors: unknown[] = [];
  app.on('error', (err: unknown) => errors.push(err));
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    call: (call) => fetchReply(url, call),
    errors,
    logged: () => inspect(errors, { depth: 10, showHidden: true }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Koa: examples/koa', () => {
  describeDropIn((options) => serve(createApp(options)));
});

describe('Koa: token places and Koa\'s own error handling', () => {
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

  test('reads access_token from a JSON body (@koa/bodyparser) and a form body, and ignores the query (off by default)', async () => {
    const app = await serve(createApp(options));
    apps.push(app);
    await expectBodyAndQueryTokens(app, amazon);
  });

  test('without an error middleware, Koa\'s default handler answers the error\'s status 502', async () => {
    const passport = new KoaPassport();
    passport.use(new LoginWithAmazonStrategy(options, (_a, _r, profile, done) => done(null, profile)));
    const koa = new Koa();
    koa.use(passport.initialize());
    koa.use(passport.authenticate('amazon-token', { session: false }));
    koa.use((ctx) => {
      ctx.body = 'signed in';
    });
    const app = await serve(koa);
    apps.push(app);
    amazon.fault('tokeninfo', { status: 503, times: 1 });
    const token = amazon.issueToken(ADA);
    const reply = await app.call(bearer(token));
    expect(reply.status).toBe(502);
    expect(reply.text).toBe('Bad Gateway');
    expect(app.errors).toEqual([expect.objectContaining({ code: 'LWA_UPSTREAM_STATUS', status: 502, upstreamStatus: 503 })]);
    expectTokenNowhere(app, reply, token);
  });
});
