import { randomBytes } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import session from 'express-session';
import type { Passport } from 'passport';
import { LoginWithAmazonOAuth2Strategy, type LoginWithAmazonOAuth2Info, type VerifyFunction } from 'passport-login-with-amazon';
import type { FakeAmazon } from 'passport-login-with-amazon/testing';
import { accountPage } from './account-page.js';
import type { User } from './app.js';

/** What the session keeps of a signed-in user: the profile and when the access token expires. */
interface SessionUser extends User {
  expiresIn?: number;
}

/**
 * "Sign in with Amazon" on a website: the Authorization Code Grant with PKCE, here against the
 * embedded fake and its consent page. `GET /auth/amazon` redirects to Amazon, the callback signs
 * the user into the session, `GET /account` shows the profile, `POST /logout` signs out.
 */
export function mountWebsiteSignIn(app: Express, passport: InstanceType<typeof Passport>, fake: FakeAmazon, siteURL: string, verify: VerifyFunction): void {
  const callbackURL = `${siteURL}/auth/amazon/callback`;
  fake.allowRedirectURI(callbackURL);
  passport.use(new LoginWithAmazonOAuth2Strategy({
    clientID: fake.clientID, clientSecret: fake.clientSecret, callbackURL, ...fake.codeGrant,
  }, verify));
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: SessionUser, done) => { done(null, user); });

  const site = express.Router();
  // A random secret per process: the demo's sessions end with it. A real app keeps its secret in its configuration.
  site.use(session({ secret: randomBytes(32).toString('hex'), resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  site.use(passport.session());
  site.get('/auth/amazon', passport.authenticate('amazon') as RequestHandler);
  site.get('/auth/amazon/callback',
    passport.authenticate('amazon', { session: false, failureRedirect: '/account', failureMessage: true }) as RequestHandler,
    (req, res, next) => {
      const info = req.authInfo as LoginWithAmazonOAuth2Info | undefined;
      // Signs in with the token's lifetime kept next to the user (passport ≥ 0.6 regenerates the session here).
      req.logIn({ ...(req.user as User), expiresIn: info?.token.expiresIn } satisfies SessionUser, (err) => {
        if (err) next(err);
        else res.redirect('/account');
      });
    });
  site.get('/account', (req, res) => {
    const user = req.user as SessionUser | undefined;
    const messages = (req.session as { messages?: string[] }).messages;
    res.status(user ? 200 : 401).type('html').send(accountPage(user
      ? { signedIn: true, name: user.name, email: user.email, id: user.id, expiresIn: user.expiresIn }
      : { signedIn: false, message: messages?.at(-1) }));
  });
  site.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) next(err);
      else res.redirect('/');
    });
  });
  app.use(site);
}
