import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { KoaPassport } from 'koa-passport';
import {
  LoginWithAmazonError,
  LoginWithAmazonStrategy,
  type AmazonProfile,
  type LoginWithAmazonStrategyOptions,
} from 'passport-login-with-amazon';

/** The signed-in user: the normalized profile without Amazon's raw body. */
export type User = Omit<AmazonProfile, '_raw' | '_json'>;

/**
 * The Koa example: `GET /api/me` needs a Login with Amazon access token (`Authorization: Bearer`,
 * `x-amz-access-token`, or `access_token` in a JSON/form body; the query only if you enable it) and answers the signed-in user.
 */
export function createApp(options: LoginWithAmazonStrategyOptions): Koa {
  const passport = new KoaPassport();
  passport.use(new LoginWithAmazonStrategy(options, (_accessToken, _refreshToken, profile, done) => {
    // A real app would find or create its user here (verify may also return a promise of the user).
    const { _raw, _json, ...user } = profile;
    done(null, user satisfies User);
  }));

  const app = new Koa();
  // Amazon down or slow: the strategy's error carries 502 or 504. Answer that status with the
  // error's fixed code and message (never a token), and let Koa log it through 'error'.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof LoginWithAmazonError)) throw err;
      ctx.status = err.status;
      ctx.body = { error: err.code, message: err.message };
      ctx.app.emit('error', err, ctx);
    }
  });
  app.use(bodyParser());
  app.use(passport.initialize());

  const router = new Router();
  router.all('/api/me', passport.authenticate('amazon-token', { session: false }), (ctx) => {
    ctx.body = ctx.state.user as User;
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
