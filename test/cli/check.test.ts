/**
 * `passport-login-with-amazon check`, run as a user runs it (the built bin, its own process),
 * against the fake Amazon: accepted (0), refused (1) with the reason in words, could not tell (2);
 * the token never in what it prints.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';

const BIN = new URL('../../dist/cli/index.js', import.meta.url).pathname;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = execFile(process.execPath, [BIN, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.mine' }); });
afterAll(async () => { await amazon.close(); });
beforeEach(() => { amazon.reset(); });

const at = (): string[] => ['--tokeninfo-url', amazon.endpoints.tokenInfoURL];
const mine = ['--client-id', 'amzn1.application-oa2-client.mine'];

/** The token appears nowhere in what the command printed. */
function expectNoToken(run: Run, token: string): void {
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
  expect(run.stdout + run.stderr).not.toContain(token.slice(5, 25));
}

describe('check', () => {
  test('accepts a valid token for our client id: exit 0, the user, the expiry; never the token', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ADA', name: 'Ada' });
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^accepted:/);
    expect(run.stdout).toContain('signs in user amzn1.account.ADA');
    expect(run.stdout).toMatch(/expires in \d+ s/);
    expect(run.stdout).toContain(`is not one of Amazon's hosts`); // the fake's 127.0.0.1
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
    expectNoToken(run, token);
  });

  test('reads the token from stdin with -: no warning, the URL it asks on stderr', async () => {
    const token = amazon.issueToken();
    const run = await cli(['check', '-', ...mine, ...at()], `${token}\n`);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`passport-login-with-amazon: asking ${amazon.endpoints.tokenInfoURL}\n`);
    expectNoToken(run, token);
  });

  test('a token in argv works, and stderr warns, in one line, that other local users can read it', async () => {
    const token = amazon.issueToken();
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(0);
    const [warning, asked, rest] = run.stderr.split('\n');
    expect(warning).toMatch(/^passport-login-with-amazon: warning: a token on the command line can be read by other local users \(ps, \/proc\/<pid>\/cmdline\)/);
    expect(asked).toBe(`passport-login-with-amazon: asking ${amazon.endpoints.tokenInfoURL}`);
    expect(rest).toBe('');
    expectNoToken(run, token);
  });

  test('refuses a token issued to another client and names that client id: exit 1', async () => {
    const token = amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.theirs', app_id: 'amzn1.application.theirs' });
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('issued to client id amzn1.application-oa2-client.theirs (app amzn1.application.theirs), not to amzn1.application-oa2-client.mine');
    expect(run.stdout).toContain('401 invalid_token');
    expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 0 });
    expectNoToken(run, token);
  });

  test.each([
    ['an expired token', (): string => amazon.issueToken({}, { expiresIn: 0 })],
    ['a revoked token', (): string => { const t = amazon.issueToken(); amazon.revoke(t); return t; }],
    ['a token Amazon never issued', (): string => 'Atza|IwEBIneverissuedneverissuedneverissued'],
  ])('refuses %s: Amazon says it is not valid, exit 1', async (_name, make) => {
    const token = make();
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('says the token is not valid');
    expect(run.stdout).toContain('expired, was revoked');
    expectNoToken(run, token);
  });

  test('refuses a token without the profile scope: 403 insufficient_scope', async () => {
    const token = amazon.issueToken({}, { scopes: ['postal_code'] });
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('403 insufficient_scope');
    expectNoToken(run, token);
  });

  test.each([
    ['a space inside', 'Atza|abc def'],
    ['a quote', 'Atza|abc"def'],
    ['over 2048 bytes', `Atza|${'a'.repeat(2050)}`],
  ])('refuses a malformed token (%s) without asking Amazon: exit 1', async (_name, token) => {
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('the token is malformed');
    expect(run.stdout).toContain('400 invalid_request');
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
    expectNoToken(run, token);
  });

  test('refuses a refresh token, saying what it is', async () => {
    const token = 'Atzr|IwEBIrefreshrefreshrefreshrefresh';
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('this is a refresh token');
    expectNoToken(run, token);
  });

  test('cannot tell when Amazon fails (500): exit 2', async () => {
    amazon.fault('tokeninfo', { status: 500 });
    const token = amazon.issueToken();
    const run = await cli(['check', token, ...mine, ...at()]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('LWA_UPSTREAM_STATUS, HTTP 500');
    expect(run.stdout).toContain('answers 502');
    expectNoToken(run, token);
  });

  test('cannot tell when Amazon cannot be reached: exit 2 with the reason', async () => {
    const closed = await createFakeAmazon();
    const url = closed.endpoints.tokenInfoURL;
    await closed.close();
    const token = amazon.issueToken();
    const run = await cli(['check', token, ...mine, '--tokeninfo-url', url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('could not be reached (LWA_NETWORK');
    expectNoToken(run, token);
  });

  test.each([
    ['no --client-id', ['check', 'Atza|x']],
    ['no token', ['check', ...mine]],
    ['two tokens', ['check', 'Atza|x', 'Atza|y', ...mine]],
    ['an unknown region', ['check', 'Atza|x', ...mine, '--region', 'XX']],
    ['an unknown option', ['check', 'Atza|x', ...mine, '--client']],
    ['an http tokeninfo URL off loopback', ['check', 'Atza|x', ...mine, '--tokeninfo-url', 'http://example.com/t']],
    ['an unknown command', ['verify']],
    ['no command', []],
  ])('%s is a usage error: exit 2 with the usage', async (_name, args) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage:');
    expect(run.stderr).not.toContain('Atza|x');
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
  });

  test('--help prints the usage: exit 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('passport-login-with-amazon check - --client-id ID');
  });

  test('names the region host it asked when it is one of Amazon\'s (in process, Amazon faked with nock)', async () => {
    const { explainToken } = await import('../../lib/cli/check.js');
    const eu = 'https://api.amazon.co.uk';
    nock(eu).get('/auth/o2/tokeninfo').reply(200, { aud: 'amzn1.application-oa2-client.mine', user_id: 'amzn1.account.EU', iss: 'https://www.amazon.com', exp: 600, iat: 1 });
    nock(eu).get('/user/profile').reply(200, { user_id: 'amzn1.account.EU', name: 'Eu' });
    const verdict = await explainToken({ token: 'Atza|eu-token-eu-token', clientID: 'amzn1.application-oa2-client.mine', region: 'EU' });
    expect(verdict.exitCode).toBe(0);
    expect(verdict.lines).toContain('  asked api.amazon.co.uk (region EU); a token from one region is valid on the others.');
    expect(nock.isDone()).toBe(true);
  });
});
