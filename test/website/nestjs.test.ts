/**
 * NestJS 11 with express-session and `AuthGuard('amazon')` on both legs of the code grant,
 * against the fake Amazon, with a cookie jar.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Controller, Get, Inject, Injectable, Module, Req, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import session from 'express-session';
import { LoginWithAmazonOAuth2Strategy, type AmazonProfile, type LoginWithAmazonOAuth2Options } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { codeGrantOptions } from '../helpers/code-grant-app.js';

const OPTIONS = Symbol('LWA_OAUTH2_OPTIONS');
const ADA = { user_id: 'amzn1.account.ANESTCODEGRANT', name: 'Ada Lovelace', email: 'ada@example.com' };
const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

@Injectable()
class AmazonOAuth2Strategy extends PassportStrategy(LoginWithAmazonOAuth2Strategy, 'amazon') {
  constructor(@Inject(OPTIONS) options: LoginWithAmazonOAuth2Options) {
    super(options);
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: AmazonProfile): { id: string; name: string } {
    return { id: profile.id, name: profile.displayName };
  }
}

@Controller('auth/amazon')
class AuthController {
  @Get()
  @UseGuards(AuthGuard('amazon'))
  start(): void { /* the guard redirects to Amazon */ }

  @Get('callback')
  @UseGuards(AuthGuard('amazon'))
  callback(@Req() req: Request): { user: unknown } {
    return { user: req.user };
  }
}

@Module({})
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
class AuthModule {
  static register(options: LoginWithAmazonOAuth2Options): DynamicModule {
    return { module: AuthModule, imports: [PassportModule], controllers: [AuthController], providers: [{ provide: OPTIONS, useValue: options }, AmazonOAuth2Strategy] };
  }
}

describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')} + express-session ${versionOf('express-session')}`, () => {
  let amazon: FakeAmazon;
  let app: INestApplication;
  let url: string;
  const server = createServer();

  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.nest', user: ADA });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
    const moduleRef = await Test.createTestingModule({ imports: [AuthModule.register(codeGrantOptions(amazon, `${url}/auth/amazon/callback`))] }).compile();
    app = moduleRef.createNestApplication();
    app.useLogger(false);
    app.use(session({ secret: 'nest-test-secret', resave: false, saveUninitialized: false }));
    await app.init();
    server.on('request', app.getHttpAdapter().getInstance() as (...args: unknown[]) => void);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
    await amazon.close();
  });

  afterEach(() => {
    amazon.reset();
    amazon.consent = 'approve';
  });

  test('AuthGuard("amazon") redirects to Amazon, then signs the user in on the callback', async () => {
    const { res, hops } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
    expect(hops.map((h) => new URL(h.url).pathname)).toEqual(['/auth/amazon', '/ap/oa', '/auth/amazon/callback']);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: ADA.user_id, name: ADA.name } });
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  test('Cancel at Amazon answers 401 without a call to Amazon\'s API', async () => {
    amazon.consent = 'deny';
    const { res } = await new CookieBrowser(url).follow(`${url}/auth/amazon`);
    expect(res.status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('a callback without a matching session state answers 401 (Nest\'s guard turns the 403 into 401)', async () => {
    const { stoppedAt } = await new CookieBrowser(url).follow(`${url}/auth/amazon`, { stopAt: (l) => l.includes('/callback') });
    const res = await fetch(stoppedAt ?? '', { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(amazon.calls.token).toBe(0);
  });
});
