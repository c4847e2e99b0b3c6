import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type VerifyFunction } from 'passport-login-with-amazon';
import type { FakeAmazon } from 'passport-login-with-amazon/testing';
import { mountAppSignIn } from './app-code.js';
import { authTiming } from './auth-timing.js';
import { page } from './page.js';
import { mountWebsiteSignIn } from './website.js';

/** The user our app keeps: what the page shows after signing in. */
export interface User {
  id: string;
  name: string;
  email: string | undefined;
}

/** Either a real Login with Amazon client id, or the embedded fake (the demo). */
export type AppMode = { clientID: string } | { fake: FakeAmazon };

/** The customer the demo's fake Amazon signs in. */
export const DEMO_PROFILE = { user_id: 'amzn1.account.DEMO0ADA0LOVELACE', name: 'Ada Lovelace', email: 'ada@example.com' };

/**
 * The example app: `GET /api/me` needs a Login with Amazon access token (`Authorization: Bearer`)
 * and answers the signed-in user; `GET /` is the sign-in page. In demo mode,
 * `POST /demo/token` hands out a token from the fake (`?revoked=1`: one that is already revoked),
 * and, given the site's URL, "Sign in with Amazon" runs the code grant against the fake (website.ts);
 * `POST /auth/amazon/app` exchanges a mobile app's code (app-code.ts, driven by mobile-app.ts).
 */
export function createApp(mode: AppMode, siteURL?: string): Express {
  const clientID = 'fake' in mode ? mode.fake.clientID : mode.clientID;
  const endpoints = 'fake' in mode ? mode.fake.endpoints : {};
  const passport = new Passport();
  // One verify serves both strategies. A real app would find or create its user here (verify may also return a promise).
  const verify: VerifyFunction = (_accessToken, _refreshToken, profile, done) => {
    const user: User = { id: profile.id, name: profile.displayName, email: profile.emails?.[0]?.value };
    done(null, user);
  };
  passport.use(new LoginWithAmazonStrategy({ clientID, ...endpoints }, verify));

  const app = express();
  app.disable('x-powered-by');
  app.use(passport.initialize());

  const authenticate = passport.authenticate('amazon-token', { session: false }) as RequestHandler;
  app.get('/api/me', authTiming, authenticate, (req, res) => {
    res.json(req.user);
  });

  app.get('/', (_req, res) => {
    res.type('html').send(page('fake' in mode ? { demo: true } : { demo: false, clientID }));
  });

  if ('fake' in mode) {
    const { fake } = mode;
    app.post('/demo/token', (req, res) => {
      const token = fake.issueToken(DEMO_PROFILE, { scopes: ['profile'], expiresIn: 3600 });
      if (req.query.revoked === '1') fake.revoke(token);
      res.set('cache-control', 'no-store').json({ access_token: token });
    });
    if (siteURL !== undefined) mountWebsiteSignIn(app, passport, fake, siteURL, verify);
    mountAppSignIn(app, passport, fake, verify);
  }

  // Amazon down or slow: the strategy's error carries 502 or 504; never echo anything else.
  const onError: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof LoginWithAmazonError;
    res.status(known ? err.status : 500).json({
      error: known ? err.code : 'internal_error',
      message: known ? err.message : 'internal error',
    });
  };
  app.use(onError);
  return app;
}
