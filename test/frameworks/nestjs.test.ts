/**
 * NestJS: `PassportStrategy(LoginWithAmazonStrategy, 'amazon-token')` and a guard extending
 * `AuthGuard('amazon-token')` (examples/nestjs), in a @nestjs/testing module listening on 127.0.0.1.
 *
 * Compiled with examples/tsconfig.json (legacy decorators; see jest.config.js), and type-checked by
 * `tsc -p examples/tsconfig.json`.
 */
import { format } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { AuthGuard, PassportModule } from '@nestjs/passport';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import {
  AmazonAuthGuard,
  AmazonStrategy,
  AppModule,
  LWA_OPTIONS,
  LoginWithAmazonErrorFilter,
  MeController,
} from '../../examples/nestjs/app.module.js';
import { ADA, ADA_USER, CLIENT_ID, bearer, describeDropIn, expectTokenNowhere, fetchReply, strategyOptions, type Harness } from './helpers.js';

/** A Nest logger that keeps every line. */
function captureLogger(lines: string[]): LoggerService {
  const keep = (level: string) => (message: unknown, ...rest: unknown[]): void => {
    lines.push(`${level} ${format(message, ...rest)}`);
  };
  return { log: keep('log'), error: keep('error'), warn: keep('warn'), debug: keep('debug'), verbose: keep('verbose'), fatal: keep('fatal') };
}

/** Errors the example's exception filter caught. */
const filterCatch = jest.spyOn(LoginWithAmazonErrorFilter.prototype, 'catch');

/** Compiles a testing module (default: the example's AppModule) and listens on 127.0.0.1, port 0. */
async function start(
  options: LoginWithAmazonStrategyOptions,
  adjust: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
  metadata: ModuleMetadata = { imports: [AppModule.register(options)] },
): Promise<Harness> {
  const lines: string[] = [];
  const moduleRef = await adjust(Test.createTestingModule(metadata)).compile();
  const app: INestApplication = moduleRef.createNestApplication();
  app.useLogger(captureLogger(lines));
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const errors: unknown[] = [];
  filterCatch.mockClear();
  return {
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

describe('NestJS: examples/nestjs (AmazonAuthGuard + LoginWithAmazonErrorFilter)', () => {
  describeDropIn((options) => start(options));
});

describe('NestJS: what the guard override and the filter change', () => {
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

  test('AmazonAuthGuard keeps the strategy\'s 400 for a malformed Authorization header (no challenge, as Passport does)', async () => {
    const app = await start(strategyOptions(amazon));
    apps.push(app);
    const reply = await app.call({ headers: { authorization: 'Bearer two parts' } });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ statusCode: 400, message: 'Bad Request' });
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
  });

  test('a plain AuthGuard(\'amazon-token\') signs in too, but answers a bare 401 without WWW-Authenticate', async () => {
    const app = await start(strategyOptions(amazon), (builder) => builder.overrideGuard(AmazonAuthGuard).useClass(AuthGuard('amazon-token')));
    apps.push(app);
    const ok = await app.call(bearer(amazon.issueToken(ADA)));
    expect([ok.status, ok.json]).toEqual([200, ADA_USER]);
    const token = amazon.issueToken(ADA);
    amazon.revoke(token);
    const reply = await app.call(bearer(token));
    expect(reply.status).toBe(401);
    expect(reply.header('www-authenticate')).toBeNull();
  });

  test('without the filter, Nest answers 500 for the strategy\'s 502 (and still no token)', async () => {
    const options = strategyOptions(amazon);
    // AppModule's parts, without its APP_FILTER.
    const app = await start(options, undefined, {
      imports: [PassportModule],
      controllers: [MeController],
      providers: [{ provide: LWA_OPTIONS, useValue: options }, AmazonStrategy],
    });
    apps.push(app);
    amazon.fault('tokeninfo', { status: 500 });
    const token = amazon.issueToken(ADA);
    const reply = await app.call(bearer(token));
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect(app.logged()).toContain('tokeninfo'); // Nest logged the error (its message and stack)
    expectTokenNowhere(app, reply, token);
  });
});
