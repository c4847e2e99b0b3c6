/**
 * NestJS 12, on Express and on Fastify: `PassportStrategy(LoginWithAmazonCodeExchangeStrategy,
 * 'amazon-code')` on `POST /auth/amazon/app` (Nest's own JSON and form body parsers), against the
 * fake Amazon; the checks of NestJS 11's test/app-code/nestjs.test.ts, plus a guard that keeps the
 * strategy's status, and what NestJS 12's AuthGuard no longer hands the strategy.
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { Controller, HttpCode, HttpException, Inject, Injectable, Module, Post, Req, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { LoginWithAmazonCodeExchangeStrategy, type AmazonProfile, type LoginWithAmazonCodeExchangeOptions } from '../../lib/index.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ANDROID_REDIRECT, appCodeOptions, bodyOf, post } from '../helpers/app-code.js';
import { listen, type Platform } from './example.js';

const OPTIONS = Symbol('LWA_CODE_OPTIONS');
const ADA = { user_id: 'amzn1.account.AAPPNEST12', name: 'Ada Lovelace' };
const versionOf = (name: string): string => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;

@Injectable()
class AmazonCodeStrategy extends PassportStrategy(LoginWithAmazonCodeExchangeStrategy, 'amazon-code') {
  constructor(@Inject(OPTIONS) options: LoginWithAmazonCodeExchangeOptions) {
    super(options);
  }

  validate(_accessToken: string, _refreshToken: string | undefined, profile: AmazonProfile): { id: string; name: string } {
    return { id: profile.id, name: profile.displayName };
  }
}

/** Keeps the strategy's status (400 for a malformed body) instead of AuthGuard's bare 401. */
@Injectable()
class StatusKeepingGuard extends AuthGuard('amazon-code') {
  override handleRequest<TUser>(err: Error | null, user: TUser | false, _info: unknown, _context: unknown, status?: number): TUser {
    if (err) throw err;
    if (user) return user;
    throw new HttpException(status === 400 ? 'Bad Request' : 'Unauthorized', status ?? 401);
  }
}

interface AppRequest { user?: unknown; account?: unknown; authInfo?: unknown }

@Controller('auth/amazon')
class AppAuthController {
  @Post('app')
  @HttpCode(200)
  @UseGuards(AuthGuard('amazon-code'))
  signIn(@Req() req: AppRequest): { user: unknown; authInfo: unknown } {
    return { user: req.user, authInfo: req.authInfo };
  }

  @Post('app-status')
  @HttpCode(200)
  @UseGuards(StatusKeepingGuard)
  signInKeepingStatus(@Req() req: AppRequest): { user: unknown } {
    return { user: req.user };
  }
}

@Controller('auth/amazon')
class DefaultStrategyController {
  /** AuthGuard() without a name: PassportModule's defaultStrategy, the user on its `property`. */
  @Post('app-default')
  @HttpCode(200)
  @UseGuards(AuthGuard())
  signInByDefault(@Req() req: AppRequest): { user: unknown; account: unknown } {
    return { user: req.user, account: req.account };
  }
}

@Module({})
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
class DefaultStrategyModule {
  static register(options: LoginWithAmazonCodeExchangeOptions): DynamicModule {
    return {
      module: DefaultStrategyModule,
      imports: [PassportModule.register({ defaultStrategy: 'amazon-code', property: 'account' })],
      controllers: [DefaultStrategyController],
      providers: [{ provide: OPTIONS, useValue: options }, AmazonCodeStrategy],
    };
  }
}

@Module({})
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module class
class AppAuthModule {
  static register(options: LoginWithAmazonCodeExchangeOptions): DynamicModule {
    return {
      module: AppAuthModule,
      imports: [PassportModule, DefaultStrategyModule.register(options)],
      controllers: [AppAuthController],
      providers: [{ provide: OPTIONS, useValue: options }, AmazonCodeStrategy],
    };
  }
}

/** The app-code strategy's checks under NestJS 12 on `platform`. */
export function appCodeSuite(platform: Platform): void {
  describe(`NestJS ${versionOf('@nestjs/core')} + @nestjs/passport ${versionOf('@nestjs/passport')} on ${platform}: the app-code strategy`, () => {
    let amazon: FakeAmazon;
    let app: INestApplication;
    let base: string;
    const url = (route = 'app'): string => `${base}/auth/amazon/${route}`;
    let authenticate: jest.Spied<LoginWithAmazonCodeExchangeStrategy['authenticate']>;

    beforeAll(async () => {
      authenticate = jest.spyOn(LoginWithAmazonCodeExchangeStrategy.prototype, 'authenticate');
      amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.appnest12', user: ADA, redirectURIs: [ANDROID_REDIRECT] });
      ({ app, url: base } = await listen({ imports: [AppAuthModule.register(appCodeOptions(amazon))] }, platform));
    });

    afterAll(async () => {
      authenticate.mockRestore();
      await amazon.close();
      await app.close(); // undefined when the app could not start: that beforeAll failed already
    });

    afterEach(() => {
      amazon.reset();
      authenticate.mockClear();
    });

    test.each(['json', 'form'] as const)('AuthGuard("amazon-code") signs in with the app\'s code in a %s body', async (as) => {
      const res = await post(url(), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })), as);
      expect(res).toEqual({ status: 200, json: { user: { id: ADA.user_id, name: ADA.name }, authInfo: { token: { tokenType: 'bearer', expiresIn: 3600, expiresAt: expect.any(Number) } } } });
      expect(amazon.calls).toMatchObject({ token: 1, profile: 1 });
    });

    test('a malformed body is refused without a call to Amazon: 401 from AuthGuard, 400 from a guard that keeps the strategy\'s status', async () => {
      const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }), { redirect_uri: 'amzn://com.attacker.app' });
      expect((await post(url(), body)).status).toBe(401);
      expect(await post(url('app-status'), body)).toEqual({ status: 400, json: { statusCode: 400, message: 'Bad Request' } });
      expect(amazon.calls).toMatchObject({ token: 0, profile: 0 });
    });

    test('a spent code is refused after one call: 401', async () => {
      const body = bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT }));
      expect((await post(url('app-status'), body)).status).toBe(200);
      amazon.reset();
      expect(await post(url('app-status'), body)).toEqual({ status: 401, json: { statusCode: 401, message: 'Unauthorized' } });
      expect(amazon.calls).toMatchObject({ token: 1, profile: 0 });
    });

    test('Amazon down: the error reaches Nest, which answers 500 without an exception filter (examples/nestjs adds one for 502/504)', async () => {
      amazon.fault('token', { status: 500, times: 1 });
      const res = await post(url(), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
      expect(res).toEqual({ status: 500, json: { statusCode: 500, message: 'Internal server error' } });
      expect(amazon.calls.token).toBe(1);
    });

    test('AuthGuard() picks PassportModule\'s defaultStrategy and puts the user on its property; NestJS 12 no longer hands either to the strategy', async () => {
      const res = await post(url('app-default'), bodyOf(amazon.authorizeApp({ redirectURI: ANDROID_REDIRECT })));
      expect(res).toEqual({ status: 200, json: { account: { id: ADA.user_id, name: ADA.name } } });
      expect(authenticate).toHaveBeenCalledTimes(1);
      const options = (authenticate.mock.calls[0] as unknown[] | undefined)?.[1] as Record<string, unknown>;
      expect(Object.keys(options).sort()).toEqual(['session']);
    });
  });
}
