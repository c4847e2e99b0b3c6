/**
 * NestJS 11 (on Express) with `AuthGuard('amazon')` on both legs of the code grant, on 127.0.0.1:
 * `/auth/amazon` redirects to Amazon, `/auth/amazon/callback` answers 200 `{ user }` (Nest's guard
 * turns a fail() into 401). With express-session unless `sessions: false`; an app's own `store` optional.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject, Injectable, Module, Req, UseGuards, type DynamicModule } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import type { Request } from 'express';
import session from 'express-session';
import { LoginWithAmazonOAuth2Strategy, type AmazonProfile, type LoginWithAmazonOAuth2Options } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { codeGrantOptions } from './code-grant-app.js';
import type { FrameworkOptions, RunningApp } from './code-grant-frameworks.js';

const OPTIONS = Symbol('LWA_OAUTH2_OPTIONS');

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

export async function startNest(amazon: FakeAmazon, o: FrameworkOptions = {}): Promise<RunningApp> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  amazon.allowRedirectURI(`${url}/auth/amazon/callback`);
  const options = { ...codeGrantOptions(amazon, `${url}/auth/amazon/callback`), ...(o.store ? { store: o.store } : {}) };
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule.register(options)] }).compile();
  const app = moduleRef.createNestApplication();
  app.useLogger(false);
  if (o.sessions !== false) app.use(session({ secret: 'nest-test-secret', resave: false, saveUninitialized: false }));
  await app.init();
  server.on('request', app.getHttpAdapter().getInstance() as (...args: unknown[]) => void);
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    },
  };
}
