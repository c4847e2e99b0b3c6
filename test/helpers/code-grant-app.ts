/**
 * A real Express app (4 or 5) on 127.0.0.1 with express-session, Passport and the code grant
 * strategy on the fake Amazon: `/auth/amazon` (redirect leg), `/auth/amazon/callback`
 * (failureRedirect `/login`), `/auth/amazon/custom` (custom callback, records what it saw), `/me`.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import session from 'express-session';
import { Passport, type AuthenticateOptions } from 'passport';
import type { RequestHandler } from 'express';
import { LoginWithAmazonOAuth2Strategy, type LoginWithAmazonOAuth2Options, type StoredState, type VerifyFunction } from '../../lib/index.js';
import { verifierDeriver } from '../../lib/amazon/pkce.js';
import type { FakeAmazon } from '../../lib/testing/index.js';
import type { CallbackSeen } from './express-app.js';

// `express4` is npm:express@4, which has no types of its own; the calls used here are the same in 4 and 5.
const express4 = createRequire(import.meta.url)('express4') as typeof express5;

export interface CodeGrantApp {
  url: string;
  callbackURL: string;
  strategy: LoginWithAmazonOAuth2Strategy;
  errors: unknown[];
  seen: CallbackSeen[];
  /** Every session's content, from express-session's MemoryStore. */
  sessions(): Promise<Record<string, Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface CodeGrantAppOptions {
  express?: 4 | 5;
  options?: Partial<LoginWithAmazonOAuth2Options>;
  verify?: VerifyFunction;
  /** Leave out the session middleware. */
  noSession?: boolean;
  /** After sign-in, redirect to `/me` instead of answering the callback with JSON. */
  successRedirect?: boolean;
  /** Passport's `Passport` class from another version (e.g. `passport-oldest`); default: the installed passport. */
  Passport?: typeof Passport;
}

export const toUser: VerifyFunction = (_a, _r, profile, done) => done(null, { id: profile.id, name: profile.displayName });

/** The PKCE verifier of a pending record, derived as the strategy does (from its seed under the client secret). */
export function verifierOf(amazon: FakeAmazon, record: StoredState | undefined): string {
  return record === undefined ? '' : verifierDeriver(amazon.clientSecret).verifier(record.verifierSeed);
}

/** Strategy options on the fake, for an app listening at `url`. */
export function codeGrantOptions(amazon: FakeAmazon, callbackURL: string): LoginWithAmazonOAuth2Options {
  return { clientID: amazon.clientID, clientSecret: amazon.clientSecret, callbackURL, ...amazon.codeGrant, timeout: 1000 };
}

export async function startCodeGrantApp(amazon: FakeAmazon, o: CodeGrantAppOptions = {}): Promise<CodeGrantApp> {
  const express = o.express === 4 ? express4 : express5;
  const app = express();
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const callbackURL = `${url}/auth/amazon/callback`;
  amazon.allowRedirectURI(callbackURL);
  amazon.allowRedirectURI(`${url}/auth/amazon/custom`);
  const strategy = new LoginWithAmazonOAuth2Strategy({ ...codeGrantOptions(amazon, callbackURL), ...o.options }, o.verify ?? toUser);
  const passport = new (o.Passport ?? Passport)();
  passport.use(strategy);
  passport.serializeUser((user, done) => { done(null, user); });
  passport.deserializeUser((user: Express.User, done) => { done(null, user); });
  const store = new session.MemoryStore();
  const sessions = o.noSession !== true;
  if (sessions) {
    app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false, store }));
    app.use(passport.session());
  }
  const errors: unknown[] = [];
  const seen: CallbackSeen[] = [];
  app.get('/auth/amazon', (req, res, next) => {
    const returnTo = typeof req.query.returnTo === 'string' ? req.query.returnTo : undefined;
    const scope = typeof req.query.scope === 'string' ? req.query.scope : undefined;
    // @types/passport types `state` as a string; the strategy keeps any value server-side.
    const options = {
      session: sessions, ...(returnTo === undefined ? {} : { state: { returnTo } }), ...(scope === undefined ? {} : { scope }),
    } as AuthenticateOptions;
    (passport.authenticate(strategy.name, options) as RequestHandler)(req, res, next);
  });
  app.get('/auth/amazon/callback', passport.authenticate(strategy.name, { failureRedirect: '/login', session: sessions }) as RequestHandler, (req, res) => {
    if (o.successRedirect === true) {
      res.redirect('/me');
      return;
    }
    res.json({ user: req.user, authInfo: req.authInfo, sessionID: sessions ? req.sessionID : null });
  });
  app.get('/auth/amazon/custom', (req, res, next) => {
    const handler = passport.authenticate(strategy.name, { session: false }, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      seen.unshift({ err, user, info, status });
      res.json({ ok: true });
    }) as RequestHandler;
    handler(req, res, next);
  });
  app.get('/login', (_req, res) => { res.status(401).json({ signedIn: false }); });
  app.get('/me', (req, res) => { res.status(req.user ? 200 : 401).json({ user: req.user ?? null, sessionID: sessions ? req.sessionID : null }); });
  app.use((err: { status?: number; code?: string }, _req: unknown, res: express5.Response, _next: unknown) => {
    errors.push(err);
    res.status(err.status ?? 500).json({ code: err.code ?? null });
  });
  return {
    url, callbackURL, strategy, errors, seen,
    sessions: () => new Promise((resolve, reject) => {
      store.all((err, all) => { if (err) reject(err as Error); else resolve((all ?? {}) as unknown as Record<string, Record<string, unknown>>); });
    }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
