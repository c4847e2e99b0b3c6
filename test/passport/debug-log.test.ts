/**
 * `NODE_DEBUG=passport-login-with-amazon`: one stderr line per `fail()` and `error()` of each
 * strategy, naming the strategy, the outcome, the status and the reason, and never a token, a code,
 * a verifier or a secret. Run in child processes (debuglog reads NODE_DEBUG once per process).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonError } from '../../lib/core/errors.js';
import { debugLine } from '../../lib/passport/debug-log.js';
import { doc } from '../helpers/readme-blocks.js';

interface Driven { cases: Record<string, { kind: string; status: number }>; secrets: string[] }
interface Run { driven: Driven; lines: string[]; stderr: string }

const root = new URL('../..', import.meta.url).pathname;

async function drive(debug: string | undefined): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.NODE_DEBUG;
  if (debug !== undefined) env.NODE_DEBUG = debug;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/debug-log-drive.ts'], { cwd: root, env, timeout: 60_000 });
  const lines = stderr.split('\n').filter((line) => line.startsWith('PASSPORT-LOGIN-WITH-AMAZON '))
    .map((line) => line.replace(/^PASSPORT-LOGIN-WITH-AMAZON \d+: /, ''));
  return { driven: JSON.parse(stdout) as Driven, lines, stderr };
}

/** What each case's line must say, in the order the driver runs them. */
const EXPECTED: [string, RegExp][] = [
  ['tokenNone', /^amazon-token fail 401: no token in the request$/],
  ['tokenTwoPlaces', /^amazon-token fail 400: invalid_request: token sent in more than one place$/],
  ['tokenRevoked', /^amazon-token fail 401: invalid_token: /],
  ['tokenOtherAudience', /^amazon-token fail 401: invalid_token: token was issued to another client$/],
  ['tokenNoScope', /^amazon-token fail 403: insufficient_scope: /],
  ['tokenVerifyRefuses', /^amazon-token fail 401: verify refused the user: account suspended$/],
  ['tokenVerifyThrows', /^amazon-token error 500: RangeError: the user store is down$/],
  ['tokenAmazon500', /^amazon-token error 502: LWA_UPSTREAM_STATUS: /],
  ['tokenTimeout', /^amazon-token error 504: LWA_TIMEOUT: /],
  ['websiteRedirectOtherHost', /^amazon redirect 302: sign-in started on host 127\.0\.0\.1, but callbackURL names localhost: /],
  ['websiteNoSession', /^amazon error 500: Error: LoginWithAmazonOAuth2Strategy keeps its state in req\.session/],
  ['websiteNoState', /^amazon fail 403: no "state" in the callback URL/],
  ['websiteNoCookie', /^amazon fail 403: no pending sign-in for this browser \(the browser sent no cookie at all\): started on another host \(127\.0\.0\.1 vs localhost\)\?/],
  ['websiteCallbackOtherHost', /^amazon fail 403: no pending sign-in for this browser: the callback was reached on host 127\.0\.0\.1, but callbackURL names localhost$/],
  ['websiteReplay', /^amazon fail 403: no pending sign-in for this browser \(the browser's cookies hold none for this state\): .*already used/],
  ['websiteCancel', /^amazon fail 401: access denied$/],
  ['websiteAmazonError', /^amazon error 502: LWA_AUTHORIZATION_ERROR: .*\(Amazon's error: server_error\)$/],
  ['websiteNoCode', /^amazon fail 400: authorization code missing$/],
  ['websiteInvalidGrant', /^amazon fail 401: authorization code rejected: sign in again$/],
  ['websiteVerifyRefuses', /^amazon fail 401: verify refused the user: not on the guest list$/],
  ['websiteToken500', /^amazon error 502: LWA_UPSTREAM_STATUS: token /],
  ['appNoCode', /^amazon-code fail 400: "code" is missing/],
  ['appShortVerifier', /^amazon-code fail 400: "code_verifier" must be 43 to 128 characters/],
  ['appOtherRedirect', /^amazon-code fail 400: "redirect_uri" is missing or not one of the registered redirect URIs$/],
  ['appOtherClient', /^amazon-code fail 400: "client_id" is not this strategy's client id$/],
  ['appWrongVerifier', /^amazon-code fail 401: authorization code rejected: sign in again in the app$/],
  ['appReplay', /^amazon-code fail 401: authorization code rejected: sign in again in the app$/],
  ['appVerifyThrows', /^amazon-code error 500: RangeError: the user store is down$/],
  ['appToken500', /^amazon-code error 502: LWA_UPSTREAM_STATUS: token /],
];

describe('NODE_DEBUG=passport-login-with-amazon', () => {
  let on: Run;
  beforeAll(async () => { on = await drive('passport-login-with-amazon'); }, 90_000);

  test('every fail() and error() of the three strategies writes exactly one line, in order, saying why', () => {
    const { cases } = on.driven;
    const logged = Object.entries(cases).filter(([name, { kind }]) => kind === 'fail' || kind === 'error' || name === 'websiteRedirectOtherHost').map(([name]) => name);
    expect(logged).toEqual(EXPECTED.map(([name]) => name)); // the driver reached every case listed, with a fail or an error
    expect(on.lines).toHaveLength(EXPECTED.length);
    on.lines.forEach((line, i) => { expect([EXPECTED[i]?.[0], line]).toEqual([EXPECTED[i]?.[0], expect.stringMatching(EXPECTED[i]?.[1] ?? /^$/)]); });
  });

  test('the status in each line is the one Passport was given', () => {
    on.lines.forEach((line, i) => {
      const name = EXPECTED[i]?.[0] ?? '';
      expect([name, Number(line.split(' ')[2]?.replace(':', ''))]).toEqual([name, on.driven.cases[name]?.status]);
    });
  });

  test('no line holds a token, a code, a verifier, a state or the client secret', () => {
    const { secrets } = on.driven;
    expect(secrets.length).toBeGreaterThanOrEqual(30);
    for (const secret of secrets) expect([secret, on.stderr.includes(secret)]).toEqual([secret, false]);
    // Nor anything shaped like one: a state, a PKCE verifier or challenge, an Atza|/Atzr| token.
    expect(on.stderr).not.toMatch(/[A-Za-z0-9_-]{40,}|Atz[ar]\|/);
  });

  test('every sample line the guides show is one the strategies write', () => {
    const samples = ['access-tokens', 'website', 'mobile-app'].flatMap((guide) => doc(guide).split('\n'))
      .map((line) => line.trim()).filter((line) => line.startsWith('PASSPORT-LOGIN-WITH-AMAZON '))
      .map((line) => line.replace(/^PASSPORT-LOGIN-WITH-AMAZON \d+: /, ''));
    expect(samples.length).toBeGreaterThanOrEqual(9);
    expect(samples.filter((line) => !on.lines.includes(line))).toEqual([]);
  });

  test('off (NODE_DEBUG unset, or naming another section) nothing is written', async () => {
    for (const debug of [undefined, 'http,net']) {
      const off = await drive(debug);
      expect(off.driven.cases).toEqual(expect.objectContaining({ tokenNone: { kind: 'fail', status: 401 }, appToken500: { kind: 'error', status: 502 } }));
      expect(off.lines).toEqual([]);
      expect(debug === undefined ? off.stderr : '').toBe('');
    }
  }, 120_000);
});

describe('debugLine', () => {
  test('a success and a plain redirect are not logged', () => {
    expect(debugLine('amazon', { kind: 'success' })).toBeUndefined();
    expect(debugLine('amazon', { kind: 'redirect' })).toBeUndefined();
  });

  test('an error that is a LoginWithAmazonError gives its status and code; any other, 500 and its name', () => {
    const upstream = new LoginWithAmazonError('LWA_TIMEOUT', 'tokeninfo request timed out', { endpoint: 'tokeninfo' });
    expect(debugLine('amazon-token', { kind: 'error', error: upstream })).toBe('amazon-token error 504: LWA_TIMEOUT: tokeninfo request timed out');
    expect(debugLine('x', { kind: 'error', error: new TypeError('bad') })).toBe('x error 500: TypeError: bad');
    expect(debugLine('x', { kind: 'error' })).toBe('x error 500: no error');
  });

  test('a fail gives the reason, else the message, else the challenge\'s error and description', () => {
    expect(debugLine('x', { kind: 'fail', status: 403, message: 'm', reason: 'r' })).toBe('x fail 403: r');
    expect(debugLine('x', { kind: 'fail', status: 400, message: 'm' })).toBe('x fail 400: m');
    expect(debugLine('x', { kind: 'fail', challenge: 'Bearer realm="Users"' })).toBe('x fail 401: no token in the request');
    expect(debugLine('x', { kind: 'fail', challenge: 'Bearer realm="a", error="invalid_token"' })).toBe('x fail 401: invalid_token');
    expect(debugLine('x', { kind: 'fail', challenge: 'Bearer realm="a", error="invalid_token", error_description="say \\"no\\""' }))
      .toBe('x fail 401: invalid_token: say \\"no\\"');
    expect(debugLine('x', { kind: 'fail' })).toBe('x fail 401: no reason given');
  });

  test('a line is one line, whatever a verify\'s message holds, and bounded', () => {
    const line = debugLine('x', { kind: 'error', error: new Error(`a\nPASSPORT-LOGIN-WITH-AMAZON 1: forged\r\u0000${'y'.repeat(5000)}`) }) ?? '';
    expect(Array.from(line, (c) => c.charCodeAt(0)).filter((code) => code < 0x20)).toEqual([]);
    expect(line.length).toBeLessThanOrEqual(600);
  });
});
