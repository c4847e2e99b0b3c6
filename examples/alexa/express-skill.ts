/**
 * A custom Alexa skill on Express whose account linking uses Login with Amazon (docs/alexa.md):
 * raw body → Alexa's signature and timestamp checks (ask-sdk-express-adapter) → the token of the
 * envelope checked by passport.authenticate('amazon-token') → the skill's handler. An unlinked,
 * revoked or foreign token gets a LinkAccount card (200), never a 401: Alexa would only say
 * "there was a problem with the skill".
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import { LoginWithAmazonError, LoginWithAmazonStrategy } from 'passport-login-with-amazon';
import type { AmazonProfile } from 'passport-login-with-amazon';

/** What the skill needs of ask-sdk-express-adapter's verifiers (both implement it). */
export interface Verifier {
  verify(requestEnvelope: string, headers?: Record<string, unknown>): Promise<void>;
}

export interface SkillOptions {
  strategy: LoginWithAmazonStrategy;
  /** `new SkillRequestSignatureVerifier()` and `new TimestampVerifier()`, in that order. */
  verifiers: readonly Verifier[];
  /** Where the skill writes why it answered LinkAccount or refused a request (never a token). */
  log: (line: string) => void;
}

/** A custom skill's answer: speech, and a LinkAccount card when the account is not (or no longer) linked. */
export function speak(text: string, linkAccount = false): Record<string, unknown> {
  return {
    version: '1.0',
    response: { outputSpeech: { type: 'PlainText', text }, ...(linkAccount ? { card: { type: 'LinkAccount' } } : {}), shouldEndSession: true },
  };
}

const LINK = 'Please link your Amazon account in the Alexa app to use this skill.';

/** Checks Alexa's signature and timestamp over the raw body, then parses it for the token source. */
function verified(verifiers: readonly Verifier[], log: SkillOptions['log']): RequestHandler {
  return async (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    try {
      for (const verifier of verifiers) await verifier.verify(raw, req.headers);
      req.body = JSON.parse(raw) as unknown;
    } catch (err) {
      log(`refused a request that is not Alexa's: ${err instanceof Error ? err.name : 'error'}`);
      res.status(400).json({ error: 'bad request' });
      return;
    }
    next();
  };
}

/** Passport's failWithError hands a fail() on as an AuthenticationError: the user must (re)link. */
function linkAccountOnFailure(log: SkillOptions['log']): ErrorRequestHandler {
  return (err: { name?: string; status?: number; code?: string }, _req, res, _next) => {
    if (err.name === 'AuthenticationError') {
      const challenge = res.getHeader('www-authenticate');
      log(`LinkAccount (${String(err.status ?? 401)}): ${challenge === undefined ? 'no challenge' : String(challenge)}`);
      res.removeHeader('www-authenticate');
      res.status(200).json(speak(LINK, true));
      return;
    }
    log(`could not check the account: ${err instanceof LoginWithAmazonError ? err.code : 'error'}`);
    res.status(200).json(speak('Sorry, I cannot reach your account right now. Please try again later.'));
  };
}

/** The skill's own handler: here the account is linked and Amazon vouched for it. */
const greet: RequestHandler = (req, res) => {
  const profile = req.user as AmazonProfile;
  res.json(speak(`Hello, ${profile.displayName || 'there'}!`));
};

/** The Express app of the skill; `POST /alexa` is its endpoint. */
export function createSkillApp({ strategy, verifiers, log }: SkillOptions): express.Express {
  const passport = new Passport();
  passport.use(strategy);
  const app = express();
  app.post('/alexa',
    express.raw({ type: 'application/json', limit: '256kb' }),
    verified(verifiers, log),
    passport.authenticate(strategy.name, { session: false, failWithError: true }) as RequestHandler,
    greet,
    linkAccountOnFailure(log));
  return app;
}
