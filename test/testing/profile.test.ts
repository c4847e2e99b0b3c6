import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ADA, CLIENT_ID, INVALID_TOKEN, get, manualClock } from './helpers.js';

const clock = manualClock();
let amazon: FakeAmazon;

beforeEach(async () => {
  amazon = await createFakeAmazon({ clientID: CLIENT_ID, appID: 'amzn1.application.test', now: clock.now });
});
afterEach(async () => {
  await amazon.close();
});

describe('GET /user/profile', () => {
  it.each([
    ['the access_token query', (t: string) => ({ query: t })],
    ['Authorization: Bearer', (t: string) => ({ headers: { authorization: `Bearer ${t}` } })],
    ['the x-amz-access-token header', (t: string) => ({ headers: { 'x-amz-access-token': t } })],
  ])('answers the profile for a token in %s', async (_place, request) => {
    const reply = await get(amazon.endpoints.profileURL, request(amazon.issueToken(ADA, { scopes: ['profile'] })));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ user_id: ADA.user_id, name: ADA.name, email: ADA.email });
  });

  it.each([
    [['profile'], { user_id: ADA.user_id, name: ADA.name, email: ADA.email }],
    [['profile:user_id'], { user_id: ADA.user_id }],
    [['profile', 'postal_code'], ADA],
    [['profile:user_id', 'postal_code'], { user_id: ADA.user_id, postal_code: ADA.postal_code }],
  ])('with scopes %j answers exactly the fields the scopes grant', async (scopes, fields) => {
    const reply = await get(amazon.endpoints.profileURL, { query: amazon.issueToken(ADA, { scopes }) });
    expect(reply.json).toEqual(fields);
  });

  it.each([[[]], [['postal_code']]])('answers 401 insufficient_scope with scopes %j', async (scopes) => {
    const reply = await get(amazon.endpoints.profileURL, { query: amazon.issueToken(ADA, { scopes }) });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token you provided does not have the required scope',
      request_id: reply.headers.get('x-amzn-requestid'),
    });
  });

  it('answers 400 invalid_token with a request_id for an expired, revoked or unknown token', async () => {
    const expired = amazon.issueToken(ADA, { expiresIn: -1 });
    const revoked = amazon.issueToken(ADA);
    amazon.revoke(revoked);
    for (const token of [expired, revoked, `Atza|${'y'.repeat(360)}`]) {
      const reply = await get(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${token}` } });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ ...INVALID_TOKEN, request_id: reply.headers.get('x-amzn-requestid') });
    }
  });

  it('answers 400 invalid_request without a token, or with an Authorization scheme other than Bearer', async () => {
    for (const headers of [{}, { authorization: `Basic ${amazon.issueToken(ADA)}` }] as Record<string, string>[]) {
      const reply = await get(amazon.endpoints.profileURL, { headers });
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('invalid_request');
    }
  });

  it('accepts the same token sent in several places', async () => {
    const token = amazon.issueToken(ADA);
    const reply = await get(amazon.endpoints.profileURL, { query: token, headers: { authorization: `bearer ${token}`, 'x-amz-access-token': token } });
    expect(reply.status).toBe(200);
  });
});

describe('every answer', () => {
  it('carries a fresh x-amzn-RequestId header', async () => {
    const token = amazon.issueToken(ADA);
    const ids = new Set<string | null>();
    for (const url of [amazon.endpoints.tokenInfoURL, amazon.endpoints.profileURL, `${amazon.url}/nowhere`]) {
      const reply = await get(url, { query: token });
      expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(reply.headers.get('x-amzn-requestid'));
    }
    expect(ids.size).toBe(3);
  });

  it('answers 404 on other paths without counting a call', async () => {
    const reply = await get(`${amazon.url}/auth/o2/other`);
    expect(reply.status).toBe(404);
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
  });

  it('answers 400 to a request target it cannot parse, and keeps serving', async () => {
    const socket = net.connect(Number(new URL(amazon.url).port), '127.0.0.1');
    socket.end('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    let raw = '';
    for await (const chunk of socket) raw += String(chunk);
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: amazon.issueToken(ADA) })).status).toBe(200);
  });

  it('answers 405 to methods other than GET', async () => {
    const reply = await get(amazon.endpoints.profileURL, { method: 'POST', query: amazon.issueToken(ADA) });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET');
    expect(reply.json.error).toBe('invalid_request');
  });
});
