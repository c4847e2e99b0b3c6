/**
 * `cookieStateStore({ replayStore })` on a real Redis (Debian's `redis-server`, started here on a
 * free loopback port, as test/token/redis.test.ts does): two "processes", each with its own
 * `new Keyv(new KeyvRedis(...))` client. A used sealed cookie with a fresh code is refused in the
 * other one; with Redis gone, the callback is refused too (error(), no code exchanged).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import KeyvRedis, { Keyv } from '@keyv/redis';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { replayInAnotherProcess, startTwoProcesses } from '../helpers/replay-processes.js';

jest.setTimeout(60_000);
const ADA = { user_id: 'amzn1.account.AREPLAYREDIS', name: 'Ada Lovelace' };
let amazon: FakeAmazon;
let redis: ChildProcess | undefined;
let port: number;
const clients: Keyv[] = [];

let redisCli: RedisServer['cli'];

/** A fresh Keyv client on the test's Redis, closed after the file. */
function client(): Keyv {
  const keyv = new Keyv(new KeyvRedis(`redis://127.0.0.1:${String(port)}`, { throwOnConnectError: false, connectionTimeout: 200 }));
  clients.push(keyv);
  return keyv;
}

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.replayredis', user: ADA });
  const server = await startRedisServer();
  ({ port, process: redis, cli: redisCli } = server);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  redis?.kill('SIGKILL');
  await amazon.close();
});
afterEach(() => { amazon.reset(); });

describe('replayStore on Redis, two processes with their own clients', () => {
  test('the used cookie and a fresh code are refused in the other process (403), and Redis holds the used state with a TTL', async () => {
    await redisCli('FLUSHALL');
    const p = await startTwoProcesses(amazon, client);
    try {
      const { first, replay } = await replayInAnotherProcess(p);
      expect(first.status).toBe(200);
      expect(replay.status).toBe(403);
      expect(amazon.calls.token).toBe(1);
      const keys = (await redisCli('--scan')).split('\n').filter(Boolean);
      expect(keys).toEqual([expect.stringMatching(/passport-login-with-amazon:used-state:[\w-]{43}$/)]);
      const ttl = Number(await redisCli('PTTL', keys[0] ?? ''));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(601_000);
    } finally {
      await p.close();
    }
  });

  test('with Redis stopped, a callback is refused (error()), and no code is exchanged', async () => {
    const p = await startTwoProcesses(amazon, client, 1500);
    try {
      const browser = new CookieBrowser(p.url);
      const { stoppedAt } = await browser.follow(`${p.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
      redis?.kill('SIGKILL');
      await once(redis as ChildProcess, 'exit');
      const res = await browser.request(stoppedAt ?? '');
      expect(res.status).toBe(500);
      expect(amazon.calls.token).toBe(0);
      expect(p.errors).toHaveLength(1);
    } finally {
      await p.close();
    }
  });
});
