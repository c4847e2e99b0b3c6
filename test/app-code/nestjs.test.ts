/**
 * NestJS 11: `PassportStrategy(LoginWithAmazonCodeExchangeStrategy, 'amazon-code')` and
 * `AuthGuard('amazon-code')` on `POST /auth/amazon/app` (Nest's own JSON and form body parsers),
 * against the fake Amazon.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Controller, HttpCode, Inject, Injectable, Module, Post, Req, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import { LoginWithAmazonCodeExchangeStrategy, type AmazonProfile, type LoginWithAmazonCodeExchangeOptions } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf, post } from '../helpers/app-code.js';

const OPTIONS = Symbol('LWA_CODE_OPTIONS');
const ADA = { user_id: 'amzn1.account.AAPPNEST', name: 'Ada Lovelace' };
const versionOf = (name: string): string => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

@Injectable()
class AmazonCodeStrategy extends PassportStrategy(LoginWithAmazonCodeExchangeStrategy, 'amazon-code') {
  constructor(@Inject(OPTIONS) options: LoginWithAmazonCodeExchangeOptions) {
    super(options);
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: AmazonProfile): { id: string; name: string } {
    return { id: profile.id, name: profile.displayName };
  }
}

@Controller('auth/amazon')
class AppAuthController {
  @Post('app')
  @HttpCode(200)
  @UseGuards(AuthGuard('amazon-code'))
  signIn(@Req() req: Request): { user: unknown; authInfo: unknown } {
    return { user: req.user, authInfo: req.authInfo };
  }
}

@Module({})
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
class AppAuthModule {
  static register(options: LoginWithAmazonCodeExchangeOptions): DynamicModule {
    return { module: AppAuthModule, imports: [PassportModule], controllers: [AppAuthController], providers: [{ provide: OPTIONS, useValue: options }, AmazonCodeStrategy] };
  }
}

describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')}`, () => {
  let amazon: FakeAmazon;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appnest', user: ADA, redirectURIs: [ANDROID_REDIRECT] });
    const moduleRef = await Test.createTestingModule({ imports: [AppAuthModule.register(appCodeOptions(amazon))] }).compile();
    app = moduleRef.createNestApplication();
    app.useLogger(false);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/auth/amazon/app`.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    // A request the app never answered (a test that failed) must not keep the server open.
    (app.getHttpServer() as import('node:http').Server).closeAllConnections();
    await app.close();
    await amazon.close();
  });

  afterEach(() => { amazon.reset(); });

  test.each(['json', 'form'] as const)('AuthGuard("amazon-code") signs in with the app\'s code in a %s body', async (as) => {
    const res = await post(url, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), as);
    expect(res).toEqual({ status: 200, json: { user: { id: ADA.user_id, name: ADA.name }, authInfo: { token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) } } } });
    expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
  });

  test('a malformed body is refused without a call to Amazon (Nest\'s guard answers every fail() with 401)', async () => {
    const res = await post(url, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }), { redirect_uri: 'amzn://com.attacker.app' }));
    expect(res.status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
  });

  test('a spent code is refused after one call', async () => {
    const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
    expect((await post(url, body)).status).toBe(200);
    amazon.reset();
    expect((await post(url, body)).status).toBe(401);
    expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
  });

  test('Amazon down: the error reaches Nest, which answers 500 without an exception filter (examples/nestjs adds one for 502/504)', async () => {
    amazon.fault('token', { status: 500, times: 1 });
    const res = await post(url, bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
    expect(res.status).toBe(500);
    expect(amazon.calls.token).toBe(1);
  });
});
