import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { get } from './helpers.js';

const ADA = { user_id: 'amzn1.account.A1', name: 'Ada Lovelace', email: 'ada@example.com' };
let amazon: FakeAmazon;
let token: string;

beforeEach(async () => {
  amazon = await createFakeAmazon();
  token = amazon.issueToken(ADA);
});
afterEach(async () => {
  await amazon.close();
});

/** Resolves with the order in which the promises settled. */
async function settleOrder(named: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(Object.entries(named).map(([name, p]) => p.then(() => order.push(name), () => order.push(name))));
  return order;
}

describe('amazon.fault()', () => {
  it('answers a status with Amazon\'s error body for it when no body is given', async () => {
    amazon.fault('tokeninfo', { status: 500 });
    amazon.fault('profile', { status: 400 });
    const info = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect(info.status).toBe(500);
    expect(info.json).toEqual({ error: 'ServerError', error_description: 'The server encountered a runtime error' });
    const profile = await get(amazon.endpoints.profileURL, { query: token });
    expect(profile.status).toBe(400);
    expect(profile.json).toMatchObject({ error: 'invalid_token', request_id: profile.headers.get('x-amzn-requestid') });
  });

  it.each([
    [401, 'insufficient_scope'],
    [403, 'insufficient_scope'],
    [429, 'invalid_request'],
    [503, 'ServerError'],
  ])('gives status %i the error %s', async (status, error) => {
    amazon.fault('profile', { status });
    const reply = await get(amazon.endpoints.profileURL, { query: token });
    expect(reply.status).toBe(status);
    expect(reply.json.error).toBe(error);
  });

  it('keeps the real body when the status is below 400 and no body is given', async () => {
    amazon.fault('tokeninfo', { status: 302 });
    const reply = await fetch(`${amazon.endpoints.tokenInfoURL}?access_token=${encodeURIComponent(token)}`, { redirect: 'manual' });
    expect(reply.status).toBe(302);
    expect(await reply.json()).toMatchObject({ user_id: ADA.user_id });
  });

  it('sends a string body as is, as HTML when it looks like HTML, with a 200 when no status is given', async () => {
    amazon.fault('tokeninfo', { status: 502, body: '<html><body>Bad Gateway</body></html>', times: 1 });
    amazon.fault('tokeninfo', { body: 'plain words', times: 1 });
    const html = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect([html.status, html.text, html.headers.get('content-type')]).toEqual([502, '<html><body>Bad Gateway</body></html>', 'text/html;charset=UTF-8']);
    const plain = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect([plain.status, plain.text, plain.headers.get('content-type')]).toEqual([200, 'plain words', 'text/plain;charset=UTF-8']);
  });

  it('sends any other body as JSON, with the extra headers given', async () => {
    amazon.fault('tokeninfo', { body: { error: 'invalid_token' }, headers: { 'x-extra': 'yes', 'content-type': 'application/json' } });
    const reply = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ error: 'invalid_token' });
    expect(reply.headers.get('x-extra')).toBe('yes');
    expect(reply.headers.get('content-type')).toBe('application/json');
  });

  it('applies to the next `times` calls only, then the real answer returns', async () => {
    amazon.fault('tokeninfo', { status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(amazon.endpoints.tokenInfoURL, { query: token })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('lasts until reset() when `times` is not given, and touches only its endpoint', async () => {
    amazon.fault('profile', { status: 500 });
    for (let i = 0; i < 3; i += 1) expect((await get(amazon.endpoints.profileURL, { query: token })).status).toBe(500);
    expect((await get(amazon.endpoints.tokenInfoURL, { query: token })).status).toBe(200);
    amazon.reset();
    expect((await get(amazon.endpoints.profileURL, { query: token })).status).toBe(200);
  });

  it('queues faults first in, first out', async () => {
    amazon.fault('tokeninfo', { status: 500, times: 1 });
    amazon.fault('tokeninfo', { status: 400, times: 1 });
    const first = await get(amazon.endpoints.tokenInfoURL, { query: token });
    const second = await get(amazon.endpoints.tokenInfoURL, { query: token });
    const third = await get(amazon.endpoints.tokenInfoURL, { query: token });
    expect([first.status, second.status, third.status]).toEqual([500, 400, 200]);
  });

  it('drops the connection without an answer', async () => {
    amazon.fault('profile', { drop: true, times: 1 });
    await expect(get(amazon.endpoints.profileURL, { query: token })).rejects.toThrow('fetch failed');
    expect(amazon.calls.profile).toBe(1);
    expect((await get(amazon.endpoints.profileURL, { query: token })).status).toBe(200);
  });

  it('delays the answer by delayMs, so a later call to the other endpoint answers first', async () => {
    amazon.fault('tokeninfo', { delayMs: 300, times: 1 });
    const order = await settleOrder({
      slow: get(amazon.endpoints.tokenInfoURL, { query: token }).then((r) => { expect(r.status).toBe(200); }),
      fast: get(amazon.endpoints.profileURL, { query: token }),
    });
    expect(order).toEqual(['fast', 'slow']);
  });

  it('rejects bad fault options with a TypeError naming the field', () => {
    expect(() => { amazon.fault('nope' as 'profile', {}); }).toThrow('"endpoint" must be \'tokeninfo\', \'profile\' or \'token\'');
    expect(() => { amazon.fault('profile', null as never); }).toThrow('"fault" options must be an object');
    expect(() => { amazon.fault('profile', { status: 99 }); }).toThrow('"status" must be an integer from 200 to 599');
    expect(() => { amazon.fault('profile', { status: 600 }); }).toThrow('"status" must be an integer from 200 to 599');
    expect(() => { amazon.fault('profile', { status: '500' as never }); }).toThrow('"status" must be an integer from 200 to 599');
    expect(() => { amazon.fault('profile', { times: 1.5 }); }).toThrow('"times" must be a positive integer');
    expect(() => { amazon.fault('profile', { delayMs: -1 }); }).toThrow('"delayMs" must be a non-negative number');
    expect(() => { amazon.fault('profile', { times: 0 }); }).toThrow('"times" must be a positive integer');
    expect(() => { amazon.fault('profile', { drop: 'yes' as never }); }).toThrow('"drop" must be a boolean');
    expect(() => { amazon.fault('profile', { headers: 'x' as never }); }).toThrow('"headers" must be an object');
  });
});

describe('latencyMs', () => {
  it('delays every answer, so a fake without latency answers first', async () => {
    const slow = await createFakeAmazon({ latencyMs: 300 });
    try {
      const order = await settleOrder({
        slow: get(slow.endpoints.tokenInfoURL, { query: slow.issueToken(ADA) }).then((r) => { expect(r.status).toBe(200); }),
        fast: get(amazon.endpoints.tokenInfoURL, { query: token }),
      });
      expect(order).toEqual(['fast', 'slow']);
    } finally {
      await slow.close();
    }
  });
});

describe('calls, requests and reset()', () => {
  it('counts every call per endpoint, faulted ones included, and reset() zeroes the counts', async () => {
    amazon.fault('profile', { status: 500, times: 1 });
    await get(amazon.endpoints.tokenInfoURL, { query: token });
    await get(amazon.endpoints.profileURL, { query: token });
    await get(amazon.endpoints.profileURL, { query: token });
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 2, token: 0, authorization: 0 });
    amazon.reset();
    expect(amazon.calls).toEqual({ tokeninfo: 0, profile: 0, token: 0, authorization: 0 });
    expect(amazon.requests).toEqual([]);
  });

  it('records where each request carried its token, and keeps issued tokens across reset()', async () => {
    await get(amazon.endpoints.profileURL, { headers: { authorization: `Bearer ${token}` } });
    await get(amazon.endpoints.tokenInfoURL, { query: token, headers: { 'x-amz-access-token': token } });
    expect(amazon.requests.map(({ endpoint, method, tokenIn }) => ({ endpoint, method, tokenIn }))).toEqual([
      { endpoint: 'profile', method: 'GET', tokenIn: ['bearer'] },
      { endpoint: 'tokeninfo', method: 'GET', tokenIn: ['query', 'amz-header'] },
    ]);
    expect(amazon.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    amazon.reset();
    expect((await get(amazon.endpoints.tokenInfoURL, { query: token })).status).toBe(200);
  });

  it('keeps only the last 1000 requests in its log', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const one = (): Promise<void> => new Promise((resolve, reject) => {
      http.get(`${amazon.endpoints.tokenInfoURL}?n`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    await Promise.all(Array.from({ length: 1005 }, one));
    agent.destroy();
    expect(amazon.calls.tokeninfo).toBe(1005);
    expect(amazon.requests).toHaveLength(1000);
  }, 30_000); // 1005 requests through nock's pass-through: seconds on a loaded 2-core machine
});

describe('close()', () => {
  it('ends open keep-alive connections and pending delayed answers, and can be called twice', async () => {
    const fake = await createFakeAmazon();
    fake.fault('tokeninfo', { delayMs: 60_000 });
    const pending = get(fake.endpoints.tokenInfoURL, { query: fake.issueToken() });
    while (fake.calls.tokeninfo === 0) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([fake.close(), fake.close()]);
    await expect(pending).rejects.toThrow('fetch failed');
    await expect(get(fake.endpoints.tokenInfoURL)).rejects.toThrow('fetch failed');
  });
});
