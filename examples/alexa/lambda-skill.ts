/**
 * Alexa skills on AWS Lambda whose account linking uses Login with Amazon (docs/alexa.md): a
 * custom skill on ask-sdk-core, whose request interceptor calls strategy.introspect(), and a smart
 * home skill's plain handler, which answers Alexa.ErrorResponse types from alexaErrorType(). The
 * strategy lives at module scope, so its cache serves every warm invocation of one container.
 */
import { randomUUID } from 'node:crypto';
import * as Alexa from 'ask-sdk-core';
import { alexaAccessToken, alexaErrorType, LoginWithAmazonError, LoginWithAmazonStrategy } from 'passport-login-with-amazon';
import type { AmazonProfile, LoginWithAmazonBaseOptions } from 'passport-login-with-amazon';

/** The strategy for introspect() only: its verify callback is never called outside a Passport route. */
export function tokenChecker(options: LoginWithAmazonBaseOptions): LoginWithAmazonStrategy {
  return new LoginWithAmazonStrategy(options, (_accessToken, _refreshToken, profile, done) => { done(null, profile); });
}

type Log = (line: string) => void;
const LINK = 'Please link your Amazon account in the Alexa app to use this skill.';
const SORRY = 'Sorry, I cannot reach your account right now. Please try again later.';

/** Checks the envelope's token once per request; the handlers read the verdict from the request attributes. */
function accountInterceptor(strategy: LoginWithAmazonStrategy, log: Log): Alexa.RequestInterceptor {
  return {
    async process(input) {
      try {
        const { profile } = await strategy.introspect(alexaAccessToken(input.requestEnvelope), { signal: AbortSignal.timeout(6000) });
        input.attributesManager.setRequestAttributes({ profile });
      } catch (err) {
        const refused = err instanceof LoginWithAmazonError && err.isRejection;
        log(`${refused ? 'LinkAccount' : 'unavailable'}: ${err instanceof LoginWithAmazonError ? err.code : 'error'}`);
        input.attributesManager.setRequestAttributes({ account: refused ? 'link' : 'unavailable' });
      }
    },
  };
}

const accountMissing: Alexa.RequestHandler = {
  canHandle: (input) => input.attributesManager.getRequestAttributes().account !== undefined,
  handle: (input) => input.attributesManager.getRequestAttributes().account === 'link'
    ? input.responseBuilder.speak(LINK).withLinkAccountCard().getResponse()
    : input.responseBuilder.speak(SORRY).getResponse(),
};

const greet: Alexa.RequestHandler = {
  canHandle: () => true,
  handle: (input) => {
    const { profile } = input.attributesManager.getRequestAttributes() as { profile: AmazonProfile };
    return input.responseBuilder.speak(`Hello, ${profile.displayName || 'there'}!`).getResponse();
  },
};

/** The custom skill's Lambda handler, `handler(event, context, callback)`. */
export function customSkillHandler(strategy: LoginWithAmazonStrategy, log: Log): Alexa.LambdaHandler {
  return Alexa.SkillBuilders.custom()
    .addRequestInterceptors(accountInterceptor(strategy, log))
    .addRequestHandlers(accountMissing, greet)
    .lambda();
}

interface Directive {
  header: { namespace: string; name: string; correlationToken?: string };
  endpoint?: { endpointId: string };
}

function answer(directive: Directive, namespace: string, name: string, payload: Record<string, unknown>): Record<string, unknown> {
  const { correlationToken } = directive.header;
  const header = { namespace, name, messageId: randomUUID(), payloadVersion: '3', ...(correlationToken ? { correlationToken } : {}) };
  return { event: { header, ...(directive.endpoint ? { endpoint: { endpointId: directive.endpoint.endpointId } } : {}), payload } };
}

/** What the skill does for a linked user; here it only acknowledges. */
function handled(directive: Directive): Record<string, unknown> {
  if (directive.header.name === 'AcceptGrant') return answer(directive, 'Alexa.Authorization', 'AcceptGrant.Response', {});
  if (directive.header.name === 'Discover') return answer(directive, 'Alexa.Discovery', 'Discover.Response', { endpoints: [] });
  return answer(directive, 'Alexa', 'Response', {});
}

/** The smart home skill's Lambda handler: `ErrorResponse` types as docs/alexa.md's table maps them. */
export function smartHomeHandler(strategy: LoginWithAmazonStrategy, log: Log): (event: { directive: Directive }, context: unknown) => Promise<Record<string, unknown>> {
  return async (event) => {
    const { directive } = event;
    try {
      await strategy.introspect(alexaAccessToken(event), { signal: AbortSignal.timeout(6000) });
      return handled(directive);
    } catch (err) {
      const type = alexaErrorType(err);
      log(`${type}: ${err instanceof LoginWithAmazonError ? err.code : 'error'}`);
      if (directive.header.name === 'AcceptGrant') {
        return answer(directive, 'Alexa.Authorization', 'ErrorResponse', { type: 'ACCEPT_GRANT_FAILED', message: 'could not check the grantee token' });
      }
      return answer(directive, 'Alexa', 'ErrorResponse', { type, message: 'could not check the access token' });
    }
  };
}
