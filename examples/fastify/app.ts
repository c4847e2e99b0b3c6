import { randomBytes } from 'node:crypto';
import fastifyFormbody from '@fastify/formbody';
import fastifyPassport from '@fastify/passport';
import fastifySecureSession from '@fastify/secure-session';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { LoginWithAmazonStrategy, type AmazonProfile, type LoginWithAmazonStrategyOptions } from 'passport-login-with-amazon';

/** The signed-in user: the normalized profile without Amazon's raw body. */
export type User = Omit<AmazonProfile, '_raw' | '_json'>;

declare module 'fastify' {
  // What @fastify/passport puts on `request.user` (declaration merging needs an interface).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface PassportUser extends User {}
}

/**
 * The Fastify example: `GET /api/me` needs a Login with Amazon access token (`Authorization: Bearer`,
 * `x-amz-access-token`, or `access_token` in a JSON/form body; the query only if you enable it) and answers the signed-in user.
 */
export async function createApp(
  options: LoginWithAmazonStrategyOptions,
  server: FastifyServerOptions = { logger: true },
): Promise<FastifyInstance> {
  const passport = new fastifyPassport.Authenticator();
  passport.use(new LoginWithAmazonStrategy(options, (_accessToken, _refreshToken, profile, done) => {
    // A real app would find or create its user here (verify may also return a promise of the user).
    const { _raw, _json, ...user } = profile;
    done(null, user satisfies User);
  }));

  const app = Fastify(server);
  await app.register(fastifyFormbody);
  // @fastify/passport needs a session plugin, even though no route here keeps a session.
  await app.register(fastifySecureSession, { key: randomBytes(32), cookie: { path: '/', httpOnly: true } });
  await app.register(passport.initialize());

  // Amazon down or slow: the strategy's error carries `status` 502 or 504, and Fastify's default
  // error handler answers it (with the error's fixed code and message) and logs it.
  app.route({
    method: ['GET', 'POST'],
    url: '/api/me',
    preValidation: passport.authenticate('amazon-token', { session: false }),
    handler: (request, reply) => reply.send(request.user),
  });
  return app;
}
