/**
 * NestJS 12 (@nestjs/core 12 with @nestjs/passport 12), on Express and on Fastify: examples/nestjs
 * (`PassportStrategy(LoginWithAmazonStrategy, 'amazon-token')`, `AmazonAuthGuard`,
 * `LoginWithAmazonErrorFilter`), the same checks as NestJS 11's test/frameworks/nestjs.test.ts.
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { AuthGuard, PassportModule } from '@nestjs/passport';
import passport from 'passport';
import { LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { ADA, ADA_USER, CLIENT_ID, bearer, describeDropIn, expectTokenNowhere, fetchReply, strategyOptions, type Harness } from '../frameworks/helpers.js';
import { importExample, listen, type Platform } from './example.js';

const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
const { example, remove } = await importExample();
afterAll(remove);

/** Starts the example's AppModule (or `metadata`) on `platform`, errors the filter caught kept. */
async function start(platform: Platform, options: LoginWithAmazonStrategyOptions, metadata = example.AppModule.register(options) as object): Promise<Harness & { app: INestApplication }> {
  const filterCatch = jest.spyOn(example.LoginWithAmazonErrorFilter.prototype, 'catch');
  const lines: string[] = [];
  const { app, url } = await listen({ imports: [metadata as never] }, platform, lines);
  const errors: unknown[] = [];
  filterCatch.mockClear();
  return {
    app,
    call: async (call) => {
      const reply = await fetchReply(url, call);
      errors.push(...filterCatch.mock.calls.map(([err]) => err));
      filterCatch.mockClear();
      return reply;
    },
    errors,
    logged: () => lines.join('\n'),
    close: () => app.close(),
  };
}

/** The token strategy's checks under NestJS 12 on `platform`. */
export function tokenSuite(platform: Platform): void {
  describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')} on ${platform}: examples/nestjs`, () => {
    describeDropIn((options) => start(platform, options));
  });

  describe(`NestJS 12 on ${platform}: what the guard override and the filter change`, () => {
    let amazon: FakeAmazon;
    const apps: Harness[] = [];

    beforeAll(async () => {
      amazon = await createFakeAmazon({ clientID: CLIENT_ID });
    });

    afterEach(() => {
      amazon.reset();
    });

    afterAll(async () => {
      for (const app of apps) await app.close();
      await amazon.close();
    });

    test('one passport: the strategy @nestjs/passport registered is the one its AuthGuard authenticates with', async () => {
      const app = await start(platform, strategyOptions(amazon));
      apps.push(app);
      const ownPassport = createRequire(createRequire(import.meta.url).resolve('@nestjs/passport'))('passport') as unknown;
      expect(ownPassport).toBe(passport);
      const registered = (passport as unknown as { _strategy(name: string): unknown })._strategy('amazon-token');
      expect(registered).toBeInstanceOf(LoginWithAmazonStrategy);
      expect(registered).toBeInstanceOf(example.AmazonStrategy);
    });

    test('AmazonAuthGuard keeps the strategy\'s 400 for a malformed Authorization header (no challenge, as Passport does)', async () => {
      const app = await start(platform, strategyOptions(amazon));
      apps.push(app);
      const reply = await app.call({ headers: { authorization: 'Bearer two parts' } });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ statusCode: 400, message: 'Bad Request' });
      expect(reply.header('www-authenticate')).toBeNull();
      expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
    });

    test('a plain AuthGuard(\'amazon-token\') signs in too, but answers a bare 401 without WWW-Authenticate', async () => {
      const options = strategyOptions(amazon);
      const { AppModule, AmazonAuthGuard } = example;
      const { Test } = await import('@nestjs/testing');
      const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(options) as never] })
        .overrideGuard(AmazonAuthGuard).useClass(AuthGuard('amazon-token')).compile();
      const nest = platform === 'express' ? moduleRef.createNestApplication() : moduleRef.createNestApplication(new (await import('@nestjs/platform-fastify')).FastifyAdapter());
      nest.useLogger(false);
      await nest.listen(0, '127.0.0.1');
      apps.push({ call: () => Promise.reject(new Error('unused')), errors: [], logged: () => '', close: () => nest.close() });
      const url = (await nest.getUrl()).replace('[::1]', '127.0.0.1');
      const ok = await fetchReply(url, bearer(amazon.issueToken(ADA)));
      expect([ok.status, ok.json]).toEqual([200, ADA_USER]);
      const token = amazon.issueToken(ADA);
      amazon.revoke(token);
      const reply = await fetchReply(url, bearer(token));
      expect(reply.status).toBe(401);
      expect(reply.header('www-authenticate')).toBeNull();
    });

    test('without the filter, Nest answers 500 for the strategy\'s 502 (and still no token)', async () => {
      const options = strategyOptions(amazon);
      const app = await start(platform, options, {
        // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
        module: class NoFilterModule {},
        imports: [PassportModule],
        controllers: [example.MeController],
        providers: [{ provide: example.LWA_OPTIONS, useValue: options }, example.AmazonStrategy],
      });
      apps.push(app);
      amazon.fault('tokeninfo', { status: 500 });
      const token = amazon.issueToken(ADA);
      const reply = await app.call(bearer(token));
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(app.logged()).toContain('tokeninfo');
      expectTokenNowhere(app, reply, token);
    });
  });
}
