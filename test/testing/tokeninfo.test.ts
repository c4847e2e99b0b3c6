import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, FAKE_APP_ID, FAKE_CLIENT_ID, type FakeAmazon } from '../../lib/testing/index.js';
import { ADA, CLIENT_ID, INVALID_TOKEN, get, manualClock } from './helpers.js';

const clock = manualClock();
let amazon: FakeAmazon;

beforeEach(async () => {
  amazon = await createFakeAmazon({ clientID: CLIENT_ID, appID: 'amzn1.application.test', now: clock.now });
});
afterEach(async () => {
  await amazon.close();
});

describe('the fake itself', () => {
  it('listens on 127.0.0.1 and names both endpoints for the strategy options', () => {
    expect(amazon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(amazon.endpoints).toEqual({
      tokenInfoURL: `${amazon.url}/auth/o2/tokeninfo`,
      profileURL: `${amazon.url}/user/profile`,
    });
    expect(amazon.clientID).toBe(CLIENT_ID);
    expect(amazon.appID).toBe('amzn1.application.test');
  });

  it('issues tokens that look like Amazon access tokens and are all different', () => {
    const tokens = Array.from({ length: 20 }, () => amazon.issueToken(ADA));
    for (const token of tokens) {
      expect(token).toMatch(/^Atza\|[A-Za-z0-9_-]{350,}$/);
      expect(Buffer.byteLength(token)).toBeLessThanOrEqual(2048);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('uses its documented client and app id when none are given', async () => {
    const plain = await createFakeAmazon();
    try {
      const reply = await get(plain.endpoints.tokenInfoURL, { query: plain.issueToken() });
      expect(reply.json).toMatchObject({ aud: FAKE_CLIENT_ID, app_id: FAKE_APP_ID });
      expect(reply.json.user_id).toMatch(/^amzn1\.account\.[A-Z0-9]+$/);
    } finally {
      await plain.close();
    }
  });
});

describe('GET /auth/o2/tokeninfo', () => {
  it('answers Amazon\'s success body for a token in the access_token query', async () => {
    const token = amazon.issueToken(ADA, { scopes: ['profile'], expiresIn: 3600, aud: CLIENT_ID });
    const reply = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.json).toEqual({
      iss: 'https://www.amazon.com',
      user_id: 'amzn1.account.A1',
      aud: CLIENT_ID,
      app_id: 'amzn1.application.test',
      exp: 3600,
      iat: Math.floor(clock.now() / 1000),
    });
  });

  it('accepts the token in the x-amz-access-token header', async () => {
    const token = amazon.issueToken(ADA);
    const reply = await get(amazon.endpoints.tokenInfoURL, { headers: { 'x-amz-access-token': token } });
    expect(reply.status).toBe(200);
    expect(reply.json.user_id).toBe('amzn1.account.A1');
  });

  it('does not take a token from Authorization: Bearer, like Amazon', async () => {
    const token = amazon.issueToken(ADA);
    const reply = await get(amazon.endpoints.tokenInfoURL, { headers: { authorization: `Bearer ${token}` } });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error: 'invalid_request',
      error_description: 'The request is missing a required parameter : access_token',
    });
  });

  it('answers 400 invalid_token for a token it never issued', async () => {
    const reply = await get(amazon.endpoints.tokenInfoURL, { query: `Atza|${'x'.repeat(360)}` });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual(INVALID_TOKEN);
  });

  it('answers 400 invalid_request when two places carry different tokens', async () => {
    const reply = await get(amazon.endpoints.tokenInfoURL, {
      query: amazon.issueToken(ADA),
      headers: { 'x-amz-access-token': amazon.issueToken(ADA) },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('invalid_request');
  });

  it('counts exp down in seconds and answers invalid_token once the token has expired', async () => {
    const token = amazon.issueToken(ADA, { expiresIn: 3600 });
    clock.advance(1);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: token })).json.exp).toBe(3599);
    clock.advance(3000);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: token })).json.exp).toBe(599);
    clock.advance(599);
    const expired = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect(expired.status).toBe(400);
    expect(expired.json).toEqual(INVALID_TOKEN);
  });

  it('issues an already expired token when expiresIn is 0 or less', async () => {
    const reply = await get(amazon.endpoints.tokenInfoURL, { query: amazon.issueToken(ADA, { expiresIn: 0 }) });
    expect(reply.json).toEqual(INVALID_TOKEN);
  });

  it('answers invalid_token after the token is revoked, and only for that token', async () => {
    const revoked = amazon.issueToken(ADA);
    const kept = amazon.issueToken(ADA);
    expect(amazon.revoke(revoked)).toBe(true);
    expect(amazon.revoke('Atza|never-issued')).toBe(false);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: revoked })).json).toEqual(INVALID_TOKEN);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: kept })).status).toBe(200);
  });

  it('reports the aud, app_id and iss the token was issued with, and leaves app_id out on request', async () => {
    const other = amazon.issueToken(ADA, { aud: 'amzn1.application-oa2-client.other', app_id: 'amzn1.application.other', iss: 'https://evil.example' });
    expect((await get(amazon.endpoints.tokenInfoURL, { query: other })).json).toMatchObject({
      aud: 'amzn1.application-oa2-client.other', app_id: 'amzn1.application.other', iss: 'https://evil.example',
    });
    const bare = await get(amazon.endpoints.tokenInfoURL, { query: amazon.issueToken(ADA, { app_id: null }) });
    expect(bare.json).not.toHaveProperty('app_id');
  });
});
