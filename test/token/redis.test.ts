/**
 * The shared cache with a real Redis: two separate Node processes, each with its own strategy on
 * `new Keyv(new KeyvRedis(...))`. Needs Debian's `redis-server` (`.ci/run` installs it); this file
 * starts its own server on a free loopback port and stops it.
 */
import { createHash } from 'node:crypto';
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { storeKeyOf } from '../helpers/store-keys.js';

jest.setTimeout(60_000);
const run = promisify(execFile);
const CLIENT = 'amzn1.application-oa2-client.redis';
const WORKER = path.join(import.meta.dirname, '..', 'fixtures', 'redis-worker.ts');

/** The cache secret both worker processes share. */
const SECRET = 'redis-test-secret-0123456789abcdef';
let amazon: FakeAmazon;
let redis: ChildProcess | undefined;
let port: number;

let redisCli: RedisServer['cli'];

interface WorkerResult {
  status: number;
  wwwAuthenticate: string | null;
  body: string;
  errors: string[];
}

/** Runs one worker process to the end and returns what its client saw. */
async function worker(token: string, ttl = 60_000): Promise<WorkerResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      LWA_CLIENT_ID: CLIENT,
      LWA_TOKENINFO_URL: amazon.endpoints.tokenInfoURL,
      LWA_PROFILE_URL: amazon.endpoints.profileURL,
      LWA_CACHE_TTL: String(ttl),
      LWA_CACHE_SECRET: SECRET,
      LWA_TOKEN: token,
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as WorkerResult;
}

beforeAll(async () => {
  amazon = await createFakeAmazon({ clientID: CLIENT });
  const server = await startRedisServer();
  ({ port, process: redis, cli: redisCli } = server);
});

afterAll(async () => {
  redis?.kill('SIGKILL');
  await amazon.close();
});

describe('two processes sharing Redis through Keyv', () => {
  test('anyone who can write to Redis cannot sign in: an approval copied to an invented token\'s key is never served', async () => {
    await redisCli('FLUSHALL');
    amazon.reset();
    const victim = amazon.issueToken({ user_id: 'amzn1.account.VICTIM', name: 'Victim' });
    expect((await worker(victim)).status).toBe(200);
    const [victimKey] = (await redisCli('--scan')).split('\n').filter(Boolean) as [string];
    const approval = await redisCli('GET', victimKey);
    const hmacOf = (token: string): string => storeKeyOf(token, SECRET, '');
    expect(victimKey.endsWith(hmacOf(victim))).toBe(true);
    // The attacker invents a token and writes the victim's approval under its key: the old scheme's
    // SHA-256 key, and the real HMAC key as if it had leaked.
    const invented = `Atza|${'F'.repeat(400)}`;
    const sha = createHash('sha256').update(invented).digest('base64url');
    await redisCli('SET', victimKey.replace(hmacOf(victim), sha), approval);
    await redisCli('SET', victimKey.replace(hmacOf(victim), hmacOf(invented)), approval);
    amazon.reset();
    const answer = await worker(invented);
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain('VICTIM');
    expect(amazon.calls.tokeninfo).toBe(1); // both copies were misses: Amazon was asked, and said no
  });

  test('the second process authenticates a token the first validated with zero upstream calls', async () => {
    amazon.reset();
    const token = amazon.issueToken({ user_id: 'amzn1.account.REDIS1', name: 'Redis One' });
    const first = await worker(token);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ user: { id: 'amzn1.account.REDIS1' } });
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1, token: 0 });

    const second = await worker(token);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ user: { id: 'amzn1.account.REDIS1' } });
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1, token: 0 });
  });

  test('TTLs set in Redis never exceed the token\'s exp, and keys hold no raw token', async () => {
    await redisCli('FLUSHALL');
    const token = amazon.issueToken({ user_id: 'amzn1.account.REDIS2' }, { expiresIn: 30 });
    expect((await worker(token, 3_600_000)).status).toBe(200);
    const keys = (await redisCli('--scan')).split('\n').filter(Boolean);
    expect(keys).toHaveLength(1);
    const [key] = keys as [string];
    expect(key).not.toContain(token.slice(5, 40));
    const pttl = Number(await redisCli('PTTL', key));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(30_000);
    expect(await redisCli('GET', key)).not.toContain(token.slice(5, 40));
  });

  test('the cache ttl bounds a long-lived token in Redis too', async () => {
    await redisCli('FLUSHALL');
    const token = amazon.issueToken({}, { expiresIn: 3600 });
    expect((await worker(token, 5_000)).status).toBe(200);
    const [key] = (await redisCli('--scan')).split('\n').filter(Boolean) as [string];
    const pttl = Number(await redisCli('PTTL', key));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  test('a Redis outage degrades to calling Amazon: never an error, never a wrong success', async () => {
    const cached = amazon.issueToken({ user_id: 'amzn1.account.CACHED' });
    expect((await worker(cached)).status).toBe(200);
    redis?.kill('SIGKILL');
    if (redis) await once(redis, 'exit');
    amazon.reset();

    const fresh = amazon.issueToken({ user_id: 'amzn1.account.FRESH' });
    const ok = await worker(fresh);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ user: { id: 'amzn1.account.FRESH' } });
    expect(ok.errors).toEqual([]);
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1, token: 0 });

    // A token Redis had approved, revoked since: with Redis down Amazon is asked, and says no.
    amazon.revoke(cached);
    const revoked = await worker(cached);
    expect(revoked.status).toBe(401);
    expect(revoked.wwwAuthenticate).toMatch(/error="invalid_token"/);
    expect(revoked.errors).toEqual([]);
  });
});
