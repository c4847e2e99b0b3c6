import express, { type Express, type RequestHandler } from 'express';
import type { Passport } from 'passport';
import { LoginWithAmazonCodeExchangeStrategy, type LoginWithAmazonCodeExchangeInfo, type VerifyFunction } from 'passport-login-with-amazon';
import type { FakeAmazon } from 'passport-login-with-amazon/testing';
import type { User } from './app.js';

/** The demo app's redirect URI, as the Android SDK reports it for the package com.example.shop. */
export const DEMO_APP_REDIRECT_URI = 'amzn://com.example.shop';

/**
 * Sign-in from a mobile app: the app's Login with Amazon SDK gets an authorization code (with a
 * PKCE challenge) and the app posts `code`, `code_verifier` and `redirect_uri` to
 * `POST /auth/amazon/app`. The backend exchanges the code with its client secret (so it gets the
 * refresh token, which never reaches the device) and answers the user. Here against the
 * embedded fake; `examples/express/mobile-app.ts` stands in for the app.
 */
export function mountAppSignIn(app: Express, passport: InstanceType<typeof Passport>, fake: FakeAmazon, verify: VerifyFunction): void {
  fake.allowRedirectURI(DEMO_APP_REDIRECT_URI);
  passport.use(new LoginWithAmazonCodeExchangeStrategy({
    clientID: fake.clientID,
    clientSecret: fake.clientSecret,
    redirectURIs: [DEMO_APP_REDIRECT_URI],
    tokenURL: fake.codeGrant.tokenURL,
    profileURL: fake.codeGrant.profileURL,
  }, verify));

  app.post('/auth/amazon/app', express.json(), passport.authenticate('amazon-code', { session: false }) as RequestHandler, (req, res) => {
    const info = req.authInfo as LoginWithAmazonCodeExchangeInfo;
    // A real app would issue its own session token for the user here (and keep the refresh token from verify server-side).
    res.set('cache-control', 'no-store').json({ user: req.user as User, expiresIn: info.token.expiresIn });
  });

  // What the app has built in (its client id and redirect URI; the SDK knows Amazon's page): for the stand-in script.
  app.get('/demo/app-config', (_req, res) => {
    res.json({ clientID: fake.clientID, redirectURI: DEMO_APP_REDIRECT_URI, authorizationURL: fake.codeGrant.authorizationURL });
  });
}
