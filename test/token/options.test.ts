/** Construction fails fast: every option is validated and a bad one names itself. */
import { Agent } from 'node:http';
import { describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, REGIONS } from '../../lib/index.js';
import { DEFAULTS, resolveOptions } from '../../lib/token/options.js';

const verify = (): void => undefined;
const build = (options: Record<string, unknown>) => () => new LoginWithAmazonStrategy({ clientID: 'cid', ...options }, verify);

describe('defaults', () => {
  test('fills every option from one documented object', () => {
    const resolved = resolveOptions({ clientID: 'cid' });
    expect(resolved).toMatchObject({
      name: 'amazon-token',
      clientIDs: ['cid'],
      appIDs: [],
      tokenInfoURL: 'https://api.amazon.com/auth/o2/tokeninfo',
      profileURL: 'https://api.amazon.com/user/profile',
      tokenSources: ['header', 'amz-header', 'body'],
      accessTokenField: 'access_token',
      refreshTokenField: 'refresh_token',
      tokenFromRequest: undefined,
      passReqToCallback: false,
      timeout: 5000,
      retries: 1,
      realm: 'Users',
    });
    expect(DEFAULTS).toMatchObject({ timeout: 5000, retries: 1, realm: 'Users', region: 'NA' });
  });

  test('accepts several client ids and app ids', () => {
    const resolved = resolveOptions({ clientID: ['web', 'ios', 'web'], appID: 'app' });
    expect(resolved.clientIDs).toEqual(['web', 'ios']);
    expect(resolved.appIDs).toEqual(['app']);
  });
});

describe('regions', () => {
  test.each([
    ['NA', 'https://api.amazon.com'],
    ['EU', 'https://api.amazon.co.uk'],
    ['FE', 'https://api.amazon.co.jp'],
  ] as const)('%s uses %s for both endpoints', (region, host) => {
    expect(REGIONS[region]).toEqual({ tokenInfoURL: `${host}/auth/o2/tokeninfo`, profileURL: `${host}/user/profile` });
    expect(resolveOptions({ clientID: 'c', region })).toMatchObject(REGIONS[region]);
  });

  test('explicit URLs win over the region, each on its own', () => {
    const resolved = resolveOptions({ clientID: 'c', region: 'EU', profileURL: 'https://proxy.example/profile' });
    expect(resolved.tokenInfoURL).toBe(REGIONS.EU.tokenInfoURL);
    expect(resolved.profileURL).toBe('https://proxy.example/profile');
  });

  test('allows http: only on loopback hosts', () => {
    for (const url of ['http://127.0.0.1:8080/t', 'http://localhost/t', 'http://[::1]:3000/t', 'http://127.9.9.9/t']) {
      expect(resolveOptions({ clientID: 'c', tokenInfoURL: url }).tokenInfoURL).toBe(new URL(url).href);
    }
  });
});

describe('bad options throw a TypeError naming the option', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['clientID missing', { clientID: undefined }, /^"clientID" must be a non-empty string or array of strings$/],
    ['clientID empty', { clientID: '' }, /"clientID"/],
    ['clientID blank', { clientID: '  ' }, /"clientID"/],
    ['clientID empty array', { clientID: [] }, /"clientID"/],
    ['clientID with a number', { clientID: ['a', 1] }, /"clientID"/],
    ['appID empty', { appID: '' }, /"appID"/],
    ['appID object', { appID: {} }, /"appID"/],
    ['region unknown', { region: 'US' }, /"region"/],
    ['region inherited key', { region: 'toString' }, /"region"/],
    ['region an array holding a region (a property key all the same)', { region: ['NA'] }, /^"region" must be one of: NA, EU, FE$/],
    ['tokenInfoURL http on a public host', { tokenInfoURL: 'http://api.amazon.com/auth/o2/tokeninfo' }, /"tokenInfoURL"/],
    ['tokenInfoURL not a URL', { tokenInfoURL: 'not a url' }, /"tokenInfoURL"/],
    ['profileURL ftp', { profileURL: 'ftp://127.0.0.1/p' }, /"profileURL"/],
    ['profileURL with credentials', { profileURL: 'https://user:pw@proxy.example/p' }, /"profileURL"/],
    ['profileURL a number', { profileURL: 5 }, /"profileURL"/],
    ['tokenSources empty', { tokenSources: [] }, /"tokenSources"/],
    ['tokenSources unknown', { tokenSources: ['cookie'] }, /"tokenSources"/],
    ['tokenSources with one unknown among known ones', { tokenSources: ['header', 'cookie'] }, /^"tokenSources" must be a non-empty array of distinct values from: header, amz-header, body, query, alexa$/],
    ['tokenSources repeated', { tokenSources: ['header', 'header'] }, /"tokenSources"/],
    ['tokenSources not an array', { tokenSources: 'header' }, /"tokenSources"/],
    ['accessTokenField empty', { accessTokenField: '' }, /"accessTokenField"/],
    ['refreshTokenField number', { refreshTokenField: 1 }, /"refreshTokenField"/],
    ['tokenFromRequest not a function', { tokenFromRequest: 'header' }, /"tokenFromRequest"/],
    ['passReqToCallback a string', { passReqToCallback: 'yes' }, /"passReqToCallback"/],
    ['timeout negative', { timeout: -1 }, /"timeout"/],
    ['timeout zero', { timeout: 0 }, /"timeout"/],
    ['timeout fractional', { timeout: 1.5 }, /"timeout"/],
    ['timeout a string', { timeout: '5000' }, /"timeout"/],
    ['timeout too large for a timer', { timeout: 2 ** 31 }, /"timeout"/],
    ['retries negative', { retries: -1 }, /"retries"/],
    ['retries NaN', { retries: Number.NaN }, /"retries"/],
    ['retries too many', { retries: 11 }, /"retries"/],
    ['realm empty', { realm: '' }, /"realm"/],
    ['name empty', { name: '' }, /"name"/],
    ['clientID with a space (a list in one string)', { clientID: 'web ios' }, /^"clientID" must not contain whitespace or commas: pass several ids as an array$/],
    ['clientID with a comma', { clientID: 'web,ios' }, /"clientID" must not contain whitespace or commas/],
    ['clientID with a trailing newline', { clientID: 'web\n' }, /"clientID" must not contain whitespace or commas/],
    ['clientID array with a comma in one member', { clientID: ['web', 'ios,android'] }, /"clientID" must not contain/],
    ['appID with a tab', { appID: 'app\tother' }, /"appID" must not contain whitespace or commas/],
    ['realm with a newline', { realm: 'Users\r\nSet-Cookie: x' }, /^"realm" must contain printable ASCII characters only$/],
    ['realm with non-ASCII', { realm: 'Utilisateurs é' }, /"realm" must contain printable ASCII/],
    ['refreshTokenField equal to accessTokenField', { refreshTokenField: 'access_token' }, /^"refreshTokenField" must differ from "accessTokenField"$/],
    ['both fields renamed to the same', { accessTokenField: 't', refreshTokenField: 't' }, /"refreshTokenField" must differ/],
    ['profile a string', { profile: 'false' }, /^"profile" must be a boolean$/],
    ['agent not an object', { agent: 'http://proxy:3128' }, /^"agent" must be an object$/],
    ['agent.https a URL string', { agent: { https: 'http://proxy:3128' } }, /^"agent.https" must be an http.Agent/],
    ['agent.http without addRequest', { agent: { http: {} } }, /^"agent.http" must be an http.Agent/],
    ['agent.http null', { agent: { http: null } }, /"agent.http" must be an http.Agent/],
  ];
  test.each(cases)('%s', (_name, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  test('options that are not an object', () => {
    expect(() => new LoginWithAmazonStrategy(undefined as never, verify)).toThrow('"options" must be an object');
    expect(() => new LoginWithAmazonStrategy(null as never, verify)).toThrow(TypeError);
  });

  test('a missing verify function', () => {
    expect(() => new LoginWithAmazonStrategy({ clientID: 'c' }, undefined as never)).toThrow('"verify" must be a function');
  });

  test('profile defaults to true; agent is absent unless given, and keeps only the agents given', () => {
    expect(resolveOptions({ clientID: 'c' }).profile).toBe(true);
    expect(resolveOptions({ clientID: 'c' })).not.toHaveProperty('agent');
    expect(resolveOptions({ clientID: 'c', profile: false }).profile).toBe(false);
    const http = new Agent();
    expect(resolveOptions({ clientID: 'c', agent: { http } }).agent).toEqual({ http });
    expect(resolveOptions({ clientID: 'c', agent: { http: undefined } }).agent).toEqual({});
  });

  test('accepts the edge values', () => {
    expect(build({ timeout: 1, retries: 0 })).not.toThrow();
    expect(build({ timeout: 2 ** 31 - 1, retries: 10 })).not.toThrow();
  });
});

describe('unknown option keys throw a TypeError naming the key and the closest known one', () => {
  test.each<[Record<string, unknown>, string]>([
    [{ tokenSource: ['header'] }, 'unknown option "tokenSource"; did you mean "tokenSources"?'],
    [{ clientId: 'x' }, 'unknown option "clientId"; did you mean "clientID"?'],
    [{ passReqToCallBack: true }, 'unknown option "passReqToCallBack"; did you mean "passReqToCallback"?'],
    [{ timeOut: 10 }, 'unknown option "timeOut"; did you mean "timeout"?'],
    [{ scope: ['profile'] }, 'unknown option "scope"'],
    [{ cache: { ttll: 5 } }, 'unknown option "cache.ttll"; did you mean "cache.ttl"?'],
    [{ cache: { secrets: 'x'.repeat(32) } }, 'unknown option "cache.secrets"; did you mean "cache.secret"?'],
    [{ cache: { negativeTTL: 5 } }, 'unknown option "cache.negativeTTL"; did you mean "cache.negativeTtl"?'],
    [{ cache: { redis: {} } }, 'unknown option "cache.redis"'],
    [{ agent: { htps: {} } }, 'unknown option "agent.htps"; did you mean "agent.https"?'],
    [{ agent: { proxy: 'http://proxy:3128' } }, 'unknown option "agent.proxy"'],
  ])('%j', (options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  test('a far-off key gets no suggestion', () => {
    expect(build({ scope: ['profile'] })).toThrow(/^unknown option "scope"$/);
  });
});

describe('the cache option', () => {
  const secret = 's'.repeat(32);
  const store = { get: () => undefined, set: () => undefined };

  test('true means on, with the defaults', () => {
    expect(resolveOptions({ clientID: 'c', cache: true }).cache).toEqual(resolveOptions({ clientID: 'c' }).cache);
    expect(resolveOptions({ clientID: 'c', cache: true }).cache).toMatchObject({ ttl: 60_000, max: 10_000, negativeMax: 10_000 });
  });

  test('a store without cache.secret is a TypeError', () => {
    expect(build({ cache: { store } })).toThrow(/^"cache.secret" is required with "cache.store": a string of at least 32 characters$/);
  });

  test.each<[string, unknown]>([
    ['31 characters', 's'.repeat(31)],
    ['an empty array', []],
    ['an array with a short member', [secret, 'short']],
    ['a number', 12345],
    ['a Buffer', Buffer.alloc(32)],
  ])('cache.secret as %s is a TypeError', (_name, value) => {
    expect(build({ cache: { store, secret: value } })).toThrow(/^"cache.secret" must be a string of at least 32 characters, or a non-empty array of them$/);
  });

  test('accepts a secret of 32 characters, or an array of them for rotation; the first signs', () => {
    expect(resolveOptions({ clientID: 'c', cache: { store, secret } }).cache).toMatchObject({ secrets: [secret] });
    const rotated = ['n'.repeat(40), secret];
    expect(resolveOptions({ clientID: 'c', cache: { store, secret: rotated } }).cache).toMatchObject({ secrets: rotated });
  });

  test('a store needs get and set; delete is optional', () => {
    expect(build({ cache: { store: { get: () => undefined }, secret } })).toThrow('"cache.store" must have get(key) and set(key, value, ttl) methods');
    expect(build({ cache: { store, secret } })).not.toThrow();
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['a string', 'redis://localhost'],
    ['a function with get and set', Object.assign(() => undefined, { get: () => undefined, set: () => undefined })],
    ['an object with set only', { set: () => undefined }],
    ['an object whose get is not a function', { get: 'x', set: () => undefined }],
  ])('cache.store as %s is a TypeError naming the methods', (_name, value) => {
    expect(build({ cache: { store: value, secret } })).toThrow(/^"cache.store" must have get\(key\) and set\(key, value, ttl\) methods$/);
  });

  test('without a store and a secret, nothing signs: no secrets', () => {
    expect(resolveOptions({ clientID: 'c' }).cache).toMatchObject({ secrets: [], store: undefined });
  });

  test.each<[string, unknown]>([
    ['a string', 'yes'],
    ['null', null],
    ['an array', [{ ttl: 5 }]],
    ['a number', 1],
  ])('cache as %s is a TypeError', (_name, value) => {
    expect(build({ cache: value })).toThrow(/^"cache" must be false, true or an object$/);
  });

  test('cache: false is off', () => {
    expect(resolveOptions({ clientID: 'c', cache: false }).cache).toBe(false);
  });

  test.each<[string, number, number]>([
    ['ttl', 1, 2 ** 31 - 1],
    ['max', 1, 10_000_000],
    ['negativeTtl', 0, 2 ** 31 - 1],
    ['negativeMax', 1, 10_000_000],
    ['storeTimeout', 1, 2 ** 31 - 1],
  ])('cache.%s out of its range names itself and the range', (key, min, max) => {
    const message = `"cache.${key}" must be an integer from ${String(min)} to ${String(max)}`;
    expect(build({ cache: { [key]: min - 1 } })).toThrow(message);
    expect(build({ cache: { [key]: max + 1 } })).toThrow(message);
    expect(build({ cache: { [key]: 1.5 } })).toThrow(message);
    expect(resolveOptions({ clientID: 'c', cache: { [key]: min } }).cache).toMatchObject({ [key]: min });
  });

  test('cache.prefix: a string, else a TypeError; the default otherwise', () => {
    expect(build({ cache: { prefix: 5 } })).toThrow(/^"cache.prefix" must be a string$/);
    expect(resolveOptions({ clientID: 'c', cache: { prefix: 'app1:' } }).cache).toMatchObject({ prefix: 'app1:' });
    expect(resolveOptions({ clientID: 'c' }).cache).toMatchObject({ prefix: 'passport-login-with-amazon:' });
  });
});
