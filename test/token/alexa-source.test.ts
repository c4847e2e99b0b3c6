/**
 * tokenSources: ['alexa']: the token of an Alexa request envelope (custom skill, smart home, music
 * skill), through a real Express app on 127.0.0.1 against the fake Amazon, envelopes built by the
 * fake's helpers.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { LoginWithAmazonStrategy, type LoginWithAmazonStrategyOptions, type VerifyFunction } from '../../lib/index.js';
import { alexaAccessToken, LoginWithAmazonError } from '../../lib/index.js';
import { fromAlexaEnvelope } from '../../lib/token/alexa-envelope.js';
import { alexaSkillRequest, musicSkillRequest, smartHomeDirective } from '../../lib/testing/index.js';
import { fakeAmazonSuite } from '../helpers/fake-amazon-suite.js';
import { startApp, type TestApp } from '../helpers/express-app.js';

const CLIENT = 'amzn1.application-oa2-client.alexasource';
const suite = fakeAmazonSuite(CLIENT);
const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };

async function serve(options: Partial<LoginWithAmazonStrategyOptions> = {}): Promise<TestApp> {
  const app = await startApp(new LoginWithAmazonStrategy({ clientID: CLIENT, ...suite.amazon.endpoints, tokenSources: ['alexa'], ...options }, toUser));
  suite.apps.push(app);
  return app;
}

function post(app: TestApp, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/me`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

type Build = (token?: string) => Record<string, unknown>;
const KINDS: [string, Build][] = [
  ['a LaunchRequest', (token) => alexaSkillRequest('LaunchRequest', { token })],
  ['an IntentRequest', (token) => alexaSkillRequest('IntentRequest', { token, intent: 'OrderIntent' })],
  ['an AudioPlayer event (no session)', (token) => alexaSkillRequest('AudioPlayer.PlaybackStarted', { token })],
  ['a SessionEndedRequest', (token) => alexaSkillRequest('SessionEndedRequest', { token })],
  ['a smart home Discover', (token) => smartHomeDirective('Discover', { token })],
  ['a smart home PowerController TurnOn', (token) => smartHomeDirective('TurnOn', { token, endpointId: 'lamp-1' })],
  ['a smart home AcceptGrant', (token) => smartHomeDirective('AcceptGrant', { token })],
  ['a music skill GetPlayableContent', (token) => musicSkillRequest('GetPlayableContent', { token })],
];

describe('the token of each kind of envelope', () => {
  test.each(KINDS)('%s with a linked account: 200 after one tokeninfo call', async (_name, build) => {
    const token = suite.amazon.issueToken({ user_id: 'amzn1.account.SKILLUSER' });
    const app = await serve();
    const res = await post(app, build(token));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: 'amzn1.account.SKILLUSER' } });
    expect(suite.amazon.calls.tokeninfo).toBe(1);
  });

  test.each(KINDS)('%s of an unlinked user: the ordinary "no token" 401, no call', async (_name, build) => {
    const app = await serve();
    const res = await post(app, build());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });

  test('the envelopes are shaped as Amazon documents them', () => {
    const launch = alexaSkillRequest('LaunchRequest', { token: 'Atza|t' }) as { session: { user: unknown }; context: { System: { user: unknown } }; request: { type: string; timestamp: string } };
    expect(launch.session.user).toEqual(launch.context.System.user);
    expect(launch.request.type).toBe('LaunchRequest');
    expect(launch.request.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(alexaSkillRequest('AudioPlayer.PlaybackStarted')).not.toHaveProperty('session');
    expect(smartHomeDirective('TurnOn', { token: 'Atza|t' })).toMatchObject({
      directive: { header: { namespace: 'Alexa.PowerController', name: 'TurnOn' }, endpoint: { scope: { type: 'BearerToken', token: 'Atza|t' } } },
    });
    expect(smartHomeDirective('Discover', { token: 'Atza|t' })).toMatchObject({ directive: { payload: { scope: { token: 'Atza|t' } } } });
    expect(smartHomeDirective('AcceptGrant', { token: 'Atza|t' })).toMatchObject({ directive: { payload: { grantee: { token: 'Atza|t' } } } });
    expect(musicSkillRequest(undefined, { token: 'Atza|t' })).toMatchObject({ payload: { requestContext: { user: { accessToken: 'Atza|t' } } } });
    expect(() => alexaSkillRequest('', {})).toThrow(new TypeError('"type" must be a non-empty string'));
    expect(() => smartHomeDirective('TurnOn', { token: 42 as unknown as string })).toThrow(new TypeError('"token" must be a string'));
  });
});

describe('a malformed envelope is a 400 with no call', () => {
  const T = 'Atza|IwEBmalformedcase';
  const cases: [string, unknown][] = [
    ['a JSON array', [alexaSkillRequest('LaunchRequest', { token: T })]],
    ['context.System.user that is a string', { context: { System: { user: T } } }],
    ['context that is an array', { context: [{ System: { user: { accessToken: T } } }] }],
    ['session that is null', { session: null, context: { System: { user: { accessToken: T } } } }],
    ['directive.endpoint that is a number', { directive: { endpoint: 7 } }],
    ['directive.payload.grantee that is an array', { directive: { payload: { grantee: [T] } } }],
    ['payload.requestContext.user that is true', { payload: { requestContext: { user: true } } }],
    ['an accessToken that is a number', { context: { System: { user: { accessToken: 12345 } } } }],
    ['an accessToken that is null', { context: { System: { user: { accessToken: null } } } }],
    ['context and session that disagree', { session: { user: { accessToken: `${T}a` } }, context: { System: { user: { accessToken: `${T}b` } } } }],
    ['a custom skill token and a smart home token that disagree', { context: { System: { user: { accessToken: `${T}a` } } }, directive: { endpoint: { scope: { token: `${T}b` } } } }],
  ];
  test.each(cases)('%s', async (_name, body) => {
    const app = await serve();
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });

  test('the token in the envelope and in an Authorization header (both sources on) is a 400', async () => {
    const token = suite.amazon.issueToken();
    const app = await serve({ tokenSources: ['header', 'alexa'] });
    const res = await post(app, alexaSkillRequest('LaunchRequest', { token }), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(400);
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });

  test('an envelope is ignored unless "alexa" is among the sources', async () => {
    const app = await serve({ tokenSources: undefined });
    expect((await post(app, alexaSkillRequest('LaunchRequest', { token: suite.amazon.issueToken() }))).status).toBe(401);
    expect(suite.amazon.calls.tokeninfo).toBe(0);
  });
});

describe('fromAlexaEnvelope', () => {
  test('never throws, and finds nothing but a value at one of its paths, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const found = fromAlexaEnvelope(value);
      expect(found !== undefined && 'value' in found && found.value === undefined).toBe(false);
    }), { numRuns: 500 });
  });

  test('a body that is not a JSON object is malformed; no body is no token', () => {
    for (const body of ['Atza|IwEBx', 42, true, null, [], Buffer.from('{}'), new Map()]) {
      expect(fromAlexaEnvelope(body)).toEqual({ problem: 'malformed_envelope' });
    }
    expect(fromAlexaEnvelope(undefined)).toBeUndefined();
    expect(fromAlexaEnvelope({})).toBeUndefined();
  });

  test('reads own properties only (an inherited accessToken is no token)', () => {
    const user = Object.create({ accessToken: 'Atza|inherited' }) as object;
    expect(fromAlexaEnvelope({ context: { System: { user } } })).toEqual({ problem: 'malformed_envelope' });
    expect(fromAlexaEnvelope(JSON.parse('{"context":{"System":{"user":{"__proto__":{"accessToken":"Atza|x"}}}}}'))).toBeUndefined();
  });
});

describe('alexaAccessToken() (for introspect() on Lambda)', () => {
  const T = 'Atza|IwEBaccesstokenhelper';
  test('reads the token of each kind of envelope, and undefined for an unlinked user', () => {
    for (const [, build] of KINDS) {
      expect(alexaAccessToken(build(T))).toBe(T);
      expect(alexaAccessToken(build())).toBeUndefined();
    }
    expect(alexaAccessToken(undefined)).toBeUndefined();
  });

  test.each([
    ['an array', [], 'malformed Alexa request envelope'],
    ['two tokens that disagree', { session: { user: { accessToken: `${T}a` } }, context: { System: { user: { accessToken: `${T}b` } } } }, 'Alexa request envelope carries two different tokens'],
    ['a token that is a number', { context: { System: { user: { accessToken: 7 } } } }, 'token is not a string'],
  ])('throws LWA_INVALID_REQUEST (400) for %s, never echoing a token', (_name, envelope, message) => {
    let thrown: unknown;
    try { alexaAccessToken(envelope); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(LoginWithAmazonError);
    expect(thrown).toMatchObject({ code: 'LWA_INVALID_REQUEST', status: 400, message, isRejection: true });
    expect(JSON.stringify(thrown)).not.toContain(T);
  });
});
