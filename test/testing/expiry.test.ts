import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { ADA, CLIENT_ID, INVALID_TOKEN, get, manualClock } from './helpers.js';

let clock: ReturnType<typeof manualClock>;
let amazon: FakeAmazon;

beforeEach(async () => {
  clock = manualClock();
  amazon = await createFakeAmazon({ clientID: CLIENT_ID, now: clock.now });
});
afterEach(async () => {
  await amazon.close();
});

const tokenInfo = (token: string): ReturnType<typeof get> => get(amazon.endpoints.tokenInfoURL, { query: token });

describe('issueToken expiresIn', () => {
  it('keeps a token issued with expiresIn: 1 valid for one second, not one millisecond', async () => {
    const token = amazon.issueToken(ADA, { expiresIn: 1 });
    clock.advance(0.001);
    expect(await tokenInfo(token)).toMatchObject({ status: 200, json: { exp: 1 } });
    expect((await get(amazon.endpoints.profileURL, { query: token })).status).toBe(200);
    clock.advance(0.998);
    expect(await tokenInfo(token)).toMatchObject({ status: 200, json: { exp: 1 } });
    clock.advance(0.001);
    expect(await tokenInfo(token)).toMatchObject({ status: 400, json: INVALID_TOKEN });
  });

  it('never reports an exp below the time really left, and rounds up by less than a second', async () => {
    const token = amazon.issueToken(ADA, { expiresIn: 60 });
    let elapsedMs = 0;
    for (const stepMs of [0, 1, 249, 250, 499, 1, 999, 1000, 17_001, 39_999]) {
      clock.advance(stepMs / 1000);
      elapsedMs += stepMs;
      const leftMs = 60_000 - elapsedMs;
      const { status, json } = await tokenInfo(token);
      expect(status).toBe(200);
      const exp = json.exp as number;
      expect(Number.isInteger(exp)).toBe(true);
      expect(exp * 1000).toBeGreaterThanOrEqual(leftMs);
      expect(exp * 1000).toBeLessThan(leftMs + 1000);
    }
    expect(elapsedMs).toBe(59_999);
    clock.advance(0.001);
    expect((await tokenInfo(token)).status).toBe(400);
  });

  it('keeps a token issued with expiresIn: 1 usable right away on the real clock', async () => {
    const real = await createFakeAmazon({ clientID: CLIENT_ID });
    try {
      const reply = await get(real.endpoints.tokenInfoURL, { query: real.issueToken(ADA, { expiresIn: 1 }) });
      expect(reply.status).toBe(200);
      expect(reply.json.exp).toBe(1);
    } finally {
      await real.close();
    }
  });
});
