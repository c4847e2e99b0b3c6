/**
 * examples/alexa/express-skill.ts end to end: Alexa's signature and timestamp checks by
 * ask-sdk-express-adapter (the real verifiers on every refusal path), then the 'alexa' token
 * source, then the skill's handler; the fake Amazon on 127.0.0.1 and no other network.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { SkillRequestSignatureVerifier, TimestampVerifier } from 'ask-sdk-express-adapter';
import nock from 'nock';
import { LoginWithAmazonStrategy } from '../../lib/index.js';
import { alexaSkillRequest, createFakeAmazon, OTHER_AUDIENCE, type FakeAmazon } from '../../lib/testing/index.js';
import { createSkillApp, type Verifier } from '../../examples/alexa/express-skill.js';
import { CERT_URL, makeSigningKey, SeededCertificateVerifier, signatureHeaders, type SigningKey } from '../helpers/alexa-signing.js';

const CLIENT = 'amzn1.application-oa2-client.alexaskill';
let amazon: FakeAmazon;
let signing: SigningKey;
const closers: (() => Promise<void>)[] = [];
const unmatched: string[] = [];
/** Requests nock saw for any host but the loopback (an attempt to fetch a certificate). */
const onNoMatch = (req: { hostname?: string; host?: string; path?: string }): void => {
  const host = String(req.hostname ?? req.host);
  if (!host.startsWith('127.0.0.1')) unmatched.push(`${host}${String(req.path)}`);
};

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock.emitter.on('no match', onNoMatch);
  signing = makeSigningKey();
  amazon = await createFakeAmazon({ clientID: CLIENT });
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  amazon.reset();
  nock.cleanAll();
  unmatched.length = 0;
});
afterAll(async () => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.enableNetConnect();
  await amazon.close();
});

async function skill(verifiers: readonly Verifier[] = [new SeededCertificateVerifier(signing.cert), new TimestampVerifier()]) {
  const logs: string[] = [];
  const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT, ...amazon.endpoints, tokenSources: ['alexa'] }, (_a, _r, profile, done) => { done(null, profile); });
  const server = createSkillApp({ strategy, verifiers, log: (line) => { logs.push(line); } }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); });
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/alexa`;
  const send = async (raw: string, headers: Record<string, string> = signatureHeaders(raw, signing)) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { logs, send };
}

const LINK_ACCOUNT = {
  version: '1.0',
  response: {
    outputSpeech: { type: 'PlainText', text: 'Please link your Amazon account in the Alexa app to use this skill.' },
    card: { type: 'LinkAccount' }, shouldEndSession: true,
  },
};

describe('a signed request reaches the token check', () => {
  test('a linked user is greeted by name after one tokeninfo call', async () => {
    const { send } = await skill();
    const token = amazon.issueToken({ name: 'Ada Lovelace' });
    const res = await send(JSON.stringify(alexaSkillRequest('LaunchRequest', { token })));
    expect(res).toEqual({ status: 200, body: { version: '1.0', response: { outputSpeech: { type: 'PlainText', text: 'Hello, Ada Lovelace!' }, shouldEndSession: true } } });
    expect(amazon.calls.tokeninfo).toBe(1);
  });

  test('an unlinked user gets 200 and a LinkAccount card, with no call to Amazon', async () => {
    const { send, logs } = await skill();
    const launch = alexaSkillRequest('LaunchRequest');
    const res = await send(JSON.stringify(launch));
    expect(res).toEqual({ status: 200, body: LINK_ACCOUNT });
    expect(amazon.calls.tokeninfo).toBe(0);
    expect(logs).toEqual(['LinkAccount (401): Bearer realm="Users"']);
  });

  test.each([
    ['a revoked token', (t: string) => { amazon.revoke(t); return t; }, /error="invalid_token"/],
    ['a token of another audience', () => amazon.issueToken({}, { aud: OTHER_AUDIENCE, app_id: null }), /error="invalid_token", error_description="token was issued to another client"/],
  ])('%s gets the LinkAccount card too, and the skill logs why (never the token)', async (_name, make, why) => {
    const { send, logs } = await skill();
    const token = make(amazon.issueToken());
    const res = await send(JSON.stringify(alexaSkillRequest('IntentRequest', { token })));
    expect(res).toEqual({ status: 200, body: LINK_ACCOUNT });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(why);
    expect(logs.join('\n')).not.toContain(token.slice(5, 30));
  });

  test('Amazon failing is an apology, not an unlink', async () => {
    const { send, logs } = await skill();
    amazon.fault('tokeninfo', { status: 503 });
    const res = await send(JSON.stringify(alexaSkillRequest('IntentRequest', { token: amazon.issueToken() })));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('response.card');
    expect(logs).toEqual(['could not check the account: LWA_UPSTREAM_STATUS']);
  });
});

describe('a request that is not Alexa\'s is refused before any call to Amazon (the real verifiers)', () => {
  const real = (): Verifier[] => [new SkillRequestSignatureVerifier(), new TimestampVerifier()];

  test('an unsigned request', async () => {
    const { send, logs } = await skill(real());
    const token = amazon.issueToken();
    const res = await send(JSON.stringify(alexaSkillRequest('LaunchRequest', { token })), {});
    expect(res.status).toBe(400);
    expect(amazon.calls.tokeninfo).toBe(0);
    expect(logs).toEqual(['refused a request that is not Alexa\'s: AskSdk.SkillRequestSignatureVerifier Error']);
  });

  test.each([
    ['another host', 'https://evil.example/echo.api/cert.pem'],
    ['plain http', 'http://s3.amazonaws.com/echo.api/cert.pem'],
    ['another path', 'https://s3.amazonaws.com/other/cert.pem'],
    ['another port', 'https://s3.amazonaws.com:8443/echo.api/cert.pem'],
  ])('a certificate URL on %s: refused without fetching it', async (_name, certURL) => {
    const { send } = await skill(real());
    const raw = JSON.stringify(alexaSkillRequest('LaunchRequest', { token: amazon.issueToken() }));
    const res = await send(raw, signatureHeaders(raw, signing, certURL));
    expect(res.status).toBe(400);
    expect(unmatched).toEqual([]);
    expect(amazon.calls.tokeninfo).toBe(0);
  });

  test('a certificate at Amazon\'s URL that no public root vouches for (the fetch answered by nock)', async () => {
    const scope = nock('https://s3.amazonaws.com').get('/echo.api/echo-api-cert-test.pem').reply(200, signing.cert);
    const { send } = await skill(real());
    const raw = JSON.stringify(alexaSkillRequest('LaunchRequest', { token: amazon.issueToken() }));
    const res = await send(raw, signatureHeaders(raw, signing, CERT_URL));
    expect(res.status).toBe(400);
    expect(scope.isDone()).toBe(true);
    expect(amazon.calls.tokeninfo).toBe(0);
  });

  test('a stale request (timestamp 10 minutes old), its signature good', async () => {
    const { send } = await skill();
    const raw = JSON.stringify(alexaSkillRequest('LaunchRequest', { token: amazon.issueToken(), timestamp: new Date(Date.now() - 600_000) }));
    expect((await send(raw)).status).toBe(400);
    expect(amazon.calls.tokeninfo).toBe(0);
  });

  test('a body changed after signing', async () => {
    const { send } = await skill();
    const raw = JSON.stringify(alexaSkillRequest('LaunchRequest', { token: amazon.issueToken() }));
    const headers = signatureHeaders(raw, signing);
    expect((await send(raw.replace('LaunchRequest', 'IntentRequest'), headers)).status).toBe(400);
    expect(amazon.calls.tokeninfo).toBe(0);
  });
});
