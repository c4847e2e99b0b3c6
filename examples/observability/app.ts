import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { LoginWithAmazonError, LoginWithAmazonStrategy } from 'passport-login-with-amazon';
import type { FakeAmazon } from 'passport-login-with-amazon/testing';
import type { Telemetry } from './telemetry.js';

/**
 * An API behind the strategy, observed: `GET /api/me` needs a Login with Amazon token,
 * `GET /metrics` is for Prometheus. With the embedded fake Amazon (`fake`), `POST /demo/token`
 * hands out a token (`?revoked=1`: one already revoked) so that the metrics have something to show.
 */
export function createApp(options: { telemetry: Telemetry; clientID: string } | { telemetry: Telemetry; fake: FakeAmazon }): Express {
  const fake = 'fake' in options ? options.fake : undefined;
  const passport = new Passport();
  passport.use(new LoginWithAmazonStrategy(
    fake ? { clientID: fake.clientID, ...fake.endpoints } : { clientID: (options as { clientID: string }).clientID },
    (_accessToken, _refreshToken, profile, done) => { done(null, { id: profile.id, name: profile.displayName }); },
  ));
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', (req, res) => { options.telemetry.metrics(req, res); });
  app.get('/api/me', passport.authenticate('amazon-token', { session: false }) as RequestHandler, (req, res) => {
    res.json(req.user);
  });
  if (fake) {
    app.post('/demo/token', (req, res) => {
      const token = fake.issueToken(undefined, { scopes: ['profile'], expiresIn: 3600 });
      if (req.query.revoked === '1') fake.revoke(token);
      res.set('cache-control', 'no-store').json({ access_token: token });
    });
  }
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const known = err instanceof LoginWithAmazonError;
    res.status(known ? err.status : 500).json({ error: known ? err.code : 'internal_error' });
  };
  app.use(onError);
  return app;
}
