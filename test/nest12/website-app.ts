/**
 * NestJS 12 with the website strategy on both legs of the code grant, on 127.0.0.1, on Express
 * (express-session, the default session store) or on Fastify (no session: `cookieStateStore`, the
 * `fastifyReplyHook`, and a guard whose `getResponse` lets Passport's redirect reach the reply).
 * `/auth/amazon` redirects to Amazon; `/auth/amazon/callback` answers `{ user }` through
 * `AmazonWebsiteGuard` (./website-guard.ts, docs/frameworks.md's; the strategy's status kept: 403 for a bad state), `/auth/amazon/plain` through a
 * bare `AuthGuard('amazon')` (every fail() a 401), and `/auth/amazon/plain-start` the redirect leg through one.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject, Injectable, Module, Req, UseGuards, type DynamicModule } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import session from 'express-session';
import { cookieStateStore, fastifyReplyHook, LoginWithAmazonOAuth2Strategy, type AmazonProfile, type LoginWithAmazonOAuth2Options } from '../../lib/index.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import { codeGrantOptions } from '../helpers/code-grant-app.js';
import type { RunningApp } from '../helpers/code-grant-frameworks.js';
import type { Platform } from './example.js';
import { AmazonWebsiteGuard } from './website-guard.js';

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
  @UseGuards(AmazonWebsiteGuard)
  start(): void { /* the guard redirects to Amazon */ }

  @Get('callback')
  @UseGuards(AmazonWebsiteGuard)
  callback(@Req() req: { user?: unknown }): { user: unknown } {
    return { user: req.user };
  }

  @Get('plain-start')
  @UseGuards(AuthGuard('amazon'))
  plainStart(): void { /* the guard redirects to Amazon (on Express) */ }

  @Get('plain')
  @UseGuards(AuthGuard('amazon'))
  plain(@Req() req: { user?: unknown }): { user: unknown } {
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

/** Starts the app on `platform`; `callbackPath` is where Amazon sends the browser back. */
export async function startNest12(amazon: FakeAmazon, platform: Platform, callbackPath = '/auth/amazon/callback'): Promise<RunningApp> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  amazon.allowRedirectURI(`${url}${callbackPath}`);
  const options: LoginWithAmazonOAuth2Options = {
    ...codeGrantOptions(amazon, `${url}${callbackPath}`),
    ...(platform === 'fastify' ? { store: cookieStateStore({ secret: 'nest12-fastify-cookie-secret-0123456789' }) } : {}),
  };
  const moduleRef = await Test.createTestingModule({ imports: [AuthModule.register(options)] }).compile();
  const handlers: ((req: IncomingMessage, res: ServerResponse) => void)[] = [];
  const app = platform === 'express'
    ? moduleRef.createNestApplication()
    // Imported only for Fastify: on Node 22 jest cannot load it (jest.config.js).
    : moduleRef.createNestApplication(new (await import('@nestjs/platform-fastify')).FastifyAdapter({ serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => { handlers.push(handler); return server; } }));
  app.useLogger(false);
  if (platform === 'express') {
    app.use(session({ secret: 'nest12-test-secret', resave: false, saveUninitialized: false }));
    handlers.push(app.getHttpAdapter().getInstance() as (req: IncomingMessage, res: ServerResponse) => void);
  } else {
    (app.getHttpAdapter().getInstance() as { addHook(name: 'onRequest', hook: typeof fastifyReplyHook): void }).addHook('onRequest', fastifyReplyHook);
  }
  await app.init();
  // Nest's init() leaves Fastify unready (listen() readies it): ready it for the server of serverFactory.
  if (platform === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => { for (const handle of handlers) handle(req, res); });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await app.close();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
}
