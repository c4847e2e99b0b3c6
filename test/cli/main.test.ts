/**
 * `main(argv, io)`, the command line in this process: what it writes to stdout and stderr, line for
 * line, and the exit code it returns: 0 done/accepted, 1 refused, 2 usage or could not tell. The
 * usage follows the message of a usage error and of nothing else.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { ARGV_WARNING, main } from '../../lib/cli/main.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { capture } from './io.js';

const USAGE = `Usage:
  passport-login-with-amazon check - --client-id ID [--region NA|EU|FE] [--tokeninfo-url URL]
      Reads an access token from stdin, asks Amazon about it (or the fake, with the
      --tokeninfo-url that "fake" prints) and says whether LoginWithAmazonStrategy would accept
      it, and if not why. Exit 0 accepted, 1 refused, 2 usage or network error. The token is
      never printed. (check <token> also works, but other local users can read a command line.)
  passport-login-with-amazon fake [--port N] [--client-id ID] [--redirect-uri URL]... [--json]
      Starts a fake Login with Amazon on 127.0.0.1 (tokeninfo, profile, consent page, token
      endpoint) and prints a ready command line for each README quick start, a valid token and
      curl lines. --redirect-uri registers another callback or app redirect URI (repeatable).
      Serves until Ctrl-C. --json prints one JSON object instead.
`;

const MINE = 'amzn1.application-oa2-client.mine';
const NOW = 1_700_000_000_000;
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ clientID: MINE, now: () => NOW }); });
afterAll(async () => { await amazon.close(); });
beforeEach(() => { amazon.reset(); });

async function run(argv: string[], stdin?: (Buffer | string)[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture(stdin === undefined ? {} : { stdin });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** A usage error: exit 2, nothing on stdout, the message then the usage on stderr. */
const usageError = (message: string): { code: number; out: string; err: string } => ({ code: 2, out: '', err: `passport-login-with-amazon: ${message}\n\n${USAGE}` });

describe('the command', () => {
  test.each([['help'], ['-h'], ['--help']])('%s prints the usage on stdout, nothing on stderr: exit 0', async (flag) => {
    expect(await run([flag])).toEqual({ code: 0, out: USAGE, err: '' });
  });

  test('none is a usage error', async () => {
    expect(await run([])).toEqual(usageError('a command is needed'));
  });

  test.each([
    ['verify', 'unknown command: verify'],
    ['Check', 'unknown command: Check (did you mean check?)'],
    ['chek', 'unknown command: chek (did you mean check?)'],
    ['HELP', 'unknown command: HELP (did you mean help?)'],
    ['', 'unknown command (the commands are check and fake)'],
  ])('an unknown one (%j) is a usage error naming it, with a guess', async (command, message) => {
    expect(await run([command, '--help'])).toEqual(usageError(message));
  });

  test('an unknown command that could be a pasted token is not echoed', async () => {
    const { err } = await run(['Atza|IwEBIpasted-secret']);
    expect(err).toContain('passport-login-with-amazon: unknown command (the commands are check and fake)\n');
    expect(err).not.toContain('pasted-secret');
  });
});

const at = (): string[] => ['--tokeninfo-url', amazon.endpoints.tokenInfoURL];
/** What check writes on stderr just before it asks the fake. */
const asking = (): string => `passport-login-with-amazon: asking ${amazon.endpoints.tokenInfoURL}\n`;
const fakeNote = (): string => `  note: ${new URL(amazon.url).host} is not one of Amazon's hosts (NA api.amazon.com, EU api.amazon.co.uk, FE api.amazon.co.jp).`;
const accepted = (user: string): string => [
  'accepted:',
  `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user ${user}.`,
  `  issued to client id ${MINE} (app amzn1.application.fake); expires in 3600 s.`,
  fakeNote(),
  '',
].join('\n');

describe('check: usage errors ask Amazon nothing', () => {
  test.each([
    ['no token', ['check', '--client-id', MINE], 'check takes one token (- to read it from stdin)'],
    ['two tokens', ['check', '-', '-', '--client-id', MINE], 'check takes one token (- to read it from stdin)'],
    ['no --client-id', ['check', '-'], 'check needs --client-id'],
    ['an empty --client-id', ['check', '-', '--client-id='], 'check needs --client-id'],
    ['--client-id without its value', ['check', '-', '--client-id'], 'check: --client-id needs a value'],
    ['--client-id followed by another option', ['check', '-', '--client-id', '--region', 'NA'], 'check: --client-id needs a value'],
    ['an unknown region', ['check', '-', '--client-id', MINE, '--region', 'XX'], '--region must be one of: NA, EU, FE'],
    ['a region in lower case', ['check', '-', '--client-id', MINE, '--region', 'eu'], '--region must be one of: NA, EU, FE'],
    ['a region that is an Object.prototype key', ['check', '-', '--client-id', MINE, '--region', 'constructor'], '--region must be one of: NA, EU, FE'],
    ['a mistyped option', ['check', '-', '--client-id', MINE, '--tokeninfo-ulr', 'x'], 'check: unknown option --tokeninfo-ulr (did you mean --tokeninfo-url?)'],
    ['a shortened option', ['check', '-', '--client', MINE], 'check: unknown option --client (did you mean --client-id?)'],
    ['an option with an underscore', ['check', '-', '--client_id', MINE], 'check: unknown option --client_id (did you mean --client-id?)'],
    ['an option nothing like one of check\'s', ['check', '-', '--client-id', MINE, '--verbose'],
      'check: unknown option --verbose (check takes --client-id, --region, --tokeninfo-url)'],
    ['a short option', ['check', '-', '-c', MINE], 'check: unknown option -c (check takes --client-id, --region, --tokeninfo-url)'],
    ['a token pasted as an option is not echoed', ['check', '-', '--client-id', MINE, '--Atza|IwEBIsecret'],
      'check: an unknown option (check takes --client-id, --region, --tokeninfo-url)'],
    ['an http tokeninfo URL off loopback', ['check', '-', '--client-id', MINE, '--tokeninfo-url', 'http://example.com/t'],
      '"tokeninfo-url" must be an absolute https: URL (http: only on loopback), without credentials'],
  ])('%s', async (_name, argv, message) => {
    expect(await run(argv, [amazon.issueToken()])).toEqual(usageError(message));
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
  });
});

describe('check: the verdict on stdout, its exit code', () => {
  test('accepted: exit 0, the lines of explainToken; on stderr only the URL it asks', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ADA' });
    expect(await run(['check', '-', '--client-id', MINE, ...at()], [token])).toEqual({ code: 0, out: accepted('amzn1.account.ADA'), err: asking() });
    expect(amazon.requests.map((r) => r.headers['x-amz-access-token'])).toEqual([token, token]);
  });

  test('a token on the command line still works, with a one-line warning on stderr first (other local users can read argv)', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ADA' });
    const result = await run(['check', token, '--client-id', MINE, ...at()]);
    expect(result).toEqual({ code: 0, out: accepted('amzn1.account.ADA'), err: `${ARGV_WARNING}${asking()}` });
    expect(ARGV_WARNING).toBe('passport-login-with-amazon: warning: a token on the command line can be read by other local users '
      + '(ps, /proc/<pid>/cmdline) while check runs; pipe it in instead: ... | passport-login-with-amazon check - --client-id ID\n');
    expect(result.err).not.toContain(token);
  });

  test('- never warns about argv, even when stdin holds nothing', async () => {
    expect((await run(['check', '-', '--client-id', MINE, ...at()], [])).err).toBe('');
  });

  test('refused: exit 1', async () => {
    const token = amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.theirs', app_id: null });
    expect(await run(['check', '-', '--client-id', MINE, ...at()], [token])).toEqual({ code: 1, err: asking(), out: [
      'refused:',
      `  the token was issued to client id amzn1.application-oa2-client.theirs, not to ${MINE}.`,
      '  LoginWithAmazonStrategy answers 401 invalid_token. If amzn1.application-oa2-client.theirs is your security profile, use it as clientID.',
      fakeNote(),
      '',
    ].join('\n') });
  });

  test('could not tell (Amazon answers 500): exit 2, on stdout, without the usage', async () => {
    amazon.fault('tokeninfo', { status: 500 });
    expect(await run(['check', '-', '--client-id', MINE, ...at()], [amazon.issueToken()])).toEqual({ code: 2, err: asking(), out: [
      'could not tell:',
      `  Amazon (${new URL(amazon.url).host}) failed: tokeninfo answered an unexpected HTTP status (LWA_UPSTREAM_STATUS, HTTP 500).`,
      '  LoginWithAmazonStrategy answers 502 while that lasts.',
      fakeNote(),
      '',
    ].join('\n') });
  });

  test.each([
    ['one chunk with a line break', (t: string): (Buffer | string)[] => [Buffer.from(`${t}\n`)]],
    ['chunks that split it, Buffers and strings, with blanks around', (t: string): (Buffer | string)[] => [' \t', Buffer.from(t.slice(0, 7)), t.slice(7), '\r\n']],
  ])('- reads the token from stdin (%s), trimmed', async (_name, chunks) => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.STDIN' });
    expect(await run(['check', '-', '--client-id', MINE, ...at()], chunks(token))).toEqual({ code: 0, out: accepted('amzn1.account.STDIN'), err: asking() });
    expect(amazon.requests.map((r) => r.headers['x-amz-access-token'])).toEqual([token, token]);
  });

  test('- with nothing on stdin checks an empty token: malformed, exit 1', async () => {
    expect(await run(['check', '-', '--client-id', MINE, ...at()], [])).toEqual({ code: 1, err: '', out: 'refused:\n'
      + '  the token is malformed: it has characters no access token has (a space, a quote, a line break?).\n'
      + '  LoginWithAmazonStrategy answers 400 invalid_request without asking Amazon.\n' });
  });

  test.each([
    ['NA by default', [], 'https://api.amazon.com', 'api.amazon.com (region NA)'],
    ['--region EU', ['--region', 'EU'], 'https://api.amazon.co.uk', 'api.amazon.co.uk (region EU)'],
    ['--region FE', ['--region', 'FE'], 'https://api.amazon.co.jp', 'api.amazon.co.jp (region FE)'],
  ])('asks the region\'s Amazon host without --tokeninfo-url, and says so on stderr with the fake\'s flag: %s (Amazon faked with nock)', async (_name, region, host, asked) => {
    nock(host).get('/auth/o2/tokeninfo').matchHeader('x-amz-access-token', 'Atza|region-token')
      .reply(200, { aud: MINE, user_id: 'amzn1.account.R', iss: 'https://www.amazon.com', exp: 60 });
    nock(host).get('/user/profile').reply(200, { user_id: 'amzn1.account.R', name: 'R' });
    expect(await run(['check', '-', '--client-id', MINE, ...region], ['Atza|region-token'])).toEqual({ code: 0,
      err: `passport-login-with-amazon: asking Amazon (region ${asked.slice(-3, -1)}): ${host}/auth/o2/tokeninfo; `
        + 'to ask the fake instead, add the --tokeninfo-url that "passport-login-with-amazon fake" prints\n',
      out: [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.R.`,
      `  issued to client id ${MINE}; expires in 60 s.`,
      `  asked ${asked}; a token from one region is valid on the others.`,
      '',
    ].join('\n') });
  });
});
