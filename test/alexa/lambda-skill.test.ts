/**
 * examples/alexa/lambda-skill.ts invoked as Lambda invokes it: the exported handler called with an
 * event and a context, no HTTP server; the fake Amazon on 127.0.0.1 answers tokeninfo and profile.
 */
import { describe, expect, test } from '@jest/globals';
import { alexaErrorType, LoginWithAmazonError, type LoginWithAmazonErrorCode } from '../../lib/index.js';
import { alexaSkillRequest, OTHER_AUDIENCE, smartHomeDirective } from '../../lib/testing/index.js';
import { customSkillHandler, smartHomeHandler, tokenChecker } from '../../examples/alexa/lambda-skill.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';

const CLIENT = 'amzn1.application-oa2-client.lambdaskill';
const suite = fakeAmazonSuite(CLIENT);
const context = { functionName: 'skill', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 3000 };

/** A cold start: the module scope of a new container (a new strategy, an empty cache) and its handlers. */
function coldStart() {
  const logs: string[] = [];
  const strategy = tokenChecker({ clientID: CLIENT, ...suite.amazon.endpoints });
  const log = (line: string): void => { logs.push(line); };
  const custom = customSkillHandler(strategy, log);
  const invoke = (event: unknown) => new Promise<{ response: Record<string, unknown> }>((resolve, reject) => {
    custom(event as Parameters<typeof custom>[0], context, (err: Error | null, result?: unknown) => { if (err) reject(err); else resolve(result as { response: Record<string, unknown> }); });
  });
  return { logs, invoke, smartHome: smartHomeHandler(strategy, log) };
}

describe('a custom skill on ask-sdk-core', () => {
  test('a cold start makes one tokeninfo call across two warm invocations; the next cold start asks again', async () => {
    const token = suite.amazon.issueToken({ name: 'Grace Hopper' });
    const container = coldStart();
    const first = await container.invoke(alexaSkillRequest('LaunchRequest', { token }));
    const second = await container.invoke(alexaSkillRequest('IntentRequest', { token, intent: 'OrderIntent' }));
    for (const res of [first, second]) expect(res.response).toMatchObject({ outputSpeech: { ssml: '<speak>Hello, Grace Hopper!</speak>' } });
    expect(suite.amazon.calls.tokeninfo).toBe(1);
    await coldStart().invoke(alexaSkillRequest('LaunchRequest', { token }));
    expect(suite.amazon.calls.tokeninfo).toBe(2);
  });

  test.each([
    ['an unlinked user', () => undefined, 'LWA_NO_TOKEN'],
    ['a revoked token', () => { const t = suite.amazon.issueToken(); suite.amazon.revoke(t); return t; }, 'LWA_INVALID_TOKEN'],
    ['a token of another audience', () => suite.amazon.issueToken({}, { aud: OTHER_AUDIENCE, app_id: null }), 'LWA_AUDIENCE_MISMATCH'],
  ])('%s gets the LinkAccount card', async (_name, make, code) => {
    const { invoke, logs } = coldStart();
    const token = make();
    const res = await invoke(alexaSkillRequest('LaunchRequest', { token }));
    expect(res.response).toMatchObject({ card: { type: 'LinkAccount' }, outputSpeech: { ssml: expect.stringContaining('link your Amazon account') } });
    expect(logs).toEqual([`LinkAccount: ${code}`]);
  });

  test('Amazon failing is an apology without a card', async () => {
    const { invoke, logs } = coldStart();
    suite.amazon.fault('tokeninfo', { status: 503 });
    const res = await invoke(alexaSkillRequest('LaunchRequest', { token: suite.amazon.issueToken() }));
    expect(res.response).not.toHaveProperty('card');
    expect(logs).toEqual(['unavailable: LWA_UPSTREAM_STATUS']);
  });
});

describe('a smart home skill', () => {
  test('a linked TurnOn is handled; a second one is served from the cache', async () => {
    const token = suite.amazon.issueToken();
    const { smartHome } = coldStart();
    for (let i = 0; i < 2; i += 1) {
      const res = await smartHome(smartHomeDirective('TurnOn', { token, endpointId: 'lamp-1' }) as never, context);
      expect(res).toMatchObject({ event: { header: { namespace: 'Alexa', name: 'Response' }, endpoint: { endpointId: 'lamp-1' } } });
    }
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });

  test.each([
    ['a revoked token', 'TurnOn', 'revoked', 'Alexa', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['no token', 'TurnOn', 'none', 'Alexa', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['Amazon failing', 'TurnOn', 'down', 'Alexa', 'INTERNAL_ERROR'],
    ['a revoked grantee token on AcceptGrant', 'AcceptGrant', 'revoked', 'Alexa.Authorization', 'ACCEPT_GRANT_FAILED'],
    ['Discover with a foreign token', 'Discover', 'foreign', 'Alexa', 'INVALID_AUTHORIZATION_CREDENTIAL'],
  ])('%s: an ErrorResponse', async (_name, directiveName, kind, namespace, type) => {
    const { smartHome } = coldStart();
    let token: string | undefined = kind === 'foreign' ? suite.amazon.issueToken({}, { aud: OTHER_AUDIENCE, app_id: null }) : suite.amazon.issueToken();
    if (kind === 'revoked') suite.amazon.revoke(token);
    if (kind === 'none') token = undefined;
    if (kind === 'down') suite.amazon.fault('tokeninfo', { status: 500 });
    const res = await smartHome(smartHomeDirective(directiveName, { token }) as never, context);
    expect(res).toMatchObject({ event: { header: { namespace, name: 'ErrorResponse' }, payload: { type } } });
    expect(JSON.stringify(res)).not.toContain(token?.slice(5, 30) ?? '\u0000');
  });
});

describe('alexaErrorType()', () => {
  const table: [LoginWithAmazonErrorCode, string][] = [
    ['LWA_NO_TOKEN', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['LWA_INVALID_REQUEST', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['LWA_INVALID_TOKEN', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['LWA_AUDIENCE_MISMATCH', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['LWA_USER_MISMATCH', 'INVALID_AUTHORIZATION_CREDENTIAL'],
    ['LWA_INSUFFICIENT_SCOPE', 'INTERNAL_ERROR'],
    ['LWA_TIMEOUT', 'INTERNAL_ERROR'],
    ['LWA_NETWORK', 'INTERNAL_ERROR'],
    ['LWA_UPSTREAM_STATUS', 'INTERNAL_ERROR'],
    ['LWA_BAD_RESPONSE', 'INTERNAL_ERROR'],
    ['LWA_INVALID_GRANT', 'INTERNAL_ERROR'],
  ];
  test.each(table)('%s -> %s', (code, type) => {
    expect(alexaErrorType(new LoginWithAmazonError(code, 'x'))).toBe(type);
  });

  test.each([[new Error('boom')], [undefined], ['LWA_INVALID_TOKEN'], [{ code: 'LWA_INVALID_TOKEN' }]])('anything else (%p) -> INTERNAL_ERROR, never an unlink', (value) => {
    expect(alexaErrorType(value)).toBe('INTERNAL_ERROR');
  });
});
