/**
 * `main(argv, io)`, the command line in this process: what it writes to stdout and stderr, line for
 * line, and the exit code it returns: 0 done/accepted, 1 refused, 2 usage or could not tell. The
 * usage follows the message of a usage error and of nothing else.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { main } from '../../lib/cli/main.js';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { capture } from './io.js';

const USAGE = `Usage:
  passport-login-with-amazon fake [--port N] [--client-id ID] [--json]
      Starts a fake Login with Amazon on 127.0.0.1 (tokeninfo, profile, consent page, token
      endpoint) and prints the options that point each strategy at it, a valid token and a curl
      line. Serves until Ctrl-C. --json prints one JSON object instead.
  passport-login-with-amazon check <token|-> --client-id ID [--region NA|EU|FE] [--tokeninfo-url URL]
      Asks Amazon about the token (read from stdin with -) and says whether LoginWithAmazonStrategy
      would accept it, and if not why. Exit 0 accepted, 1 refused, 2 usage or network error.
      The token is never printed.
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

  test.each([['verify'], ['Check'], ['HELP'], ['']])('an unknown one (%j) is a usage error naming it', async (command) => {
    expect(await run([command, '--help'])).toEqual(usageError(`unknown command: ${command}`));
  });
});

const at = (): string[] => ['--tokeninfo-url', amazon.endpoints.tokenInfoURL];
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
    ['no token', ['check', '--client-id', MINE], 'check takes one token (or - to read it from stdin)'],
    ['two tokens', ['check', 'Atza|x', 'Atza|y', '--client-id', MINE], 'check takes one token (or - to read it from stdin)'],
    ['no --client-id', ['check', 'Atza|x'], 'check needs --client-id'],
    ['an empty --client-id', ['check', 'Atza|x', '--client-id='], 'check needs --client-id'],
    ['--client-id without its value', ['check', 'Atza|x', '--client-id'], 'Option \'--client-id <value>\' argument missing'],
    ['an unknown region', ['check', 'Atza|x', '--client-id', MINE, '--region', 'XX'], '--region must be one of: NA, EU, FE'],
    ['a region in lower case', ['check', 'Atza|x', '--client-id', MINE, '--region', 'eu'], '--region must be one of: NA, EU, FE'],
    ['a region that is an Object.prototype key', ['check', 'Atza|x', '--client-id', MINE, '--region', 'constructor'], '--region must be one of: NA, EU, FE'],
    ['an unknown option', ['check', 'Atza|x', '--client-id', MINE, '--client'],
      'Unknown option \'--client\'. To specify a positional argument starting with a \'-\', place it at the end of the command after \'--\', as in \'-- "--client"'],
    ['an http tokeninfo URL off loopback', ['check', 'Atza|x', '--client-id', MINE, '--tokeninfo-url', 'http://example.com/t'],
      '"tokeninfo-url" must be an absolute https: URL (http: only on loopback), without credentials'],
  ])('%s', async (_name, argv, message) => {
    expect(await run(argv)).toEqual(usageError(message));
    expect(amazon.calls).toMatchObject({ tokeninfo: 0, profile: 0 });
  });
});

describe('check: the verdict on stdout, its exit code', () => {
  test('accepted: exit 0, the lines of explainToken, nothing on stderr', async () => {
    const token = amazon.issueToken({ user_id: 'amzn1.account.ADA' });
    expect(await run(['check', token, '--client-id', MINE, ...at()])).toEqual({ code: 0, out: accepted('amzn1.account.ADA'), err: '' });
    expect(amazon.requests.map((r) => r.headers['x-amz-access-token'])).toEqual([token, token]);
  });

  test('refused: exit 1', async () => {
    const token = amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.theirs', app_id: null });
    expect(await run(['check', token, '--client-id', MINE, ...at()])).toEqual({ code: 1, err: '', out: [
      'refused:',
      `  the token was issued to client id amzn1.application-oa2-client.theirs, not to ${MINE}.`,
      '  LoginWithAmazonStrategy answers 401 invalid_token. If amzn1.application-oa2-client.theirs is your security profile, use it as clientID.',
      fakeNote(),
      '',
    ].join('\n') });
  });

  test('could not tell (Amazon answers 500): exit 2, on stdout, without the usage', async () => {
    amazon.fault('tokeninfo', { status: 500 });
    expect(await run(['check', amazon.issueToken(), '--client-id', MINE, ...at()])).toEqual({ code: 2, err: '', out: [
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
    expect(await run(['check', '-', '--client-id', MINE, ...at()], chunks(token))).toEqual({ code: 0, out: accepted('amzn1.account.STDIN'), err: '' });
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
  ])('asks the region\'s Amazon host without --tokeninfo-url: %s (Amazon faked with nock)', async (_name, region, host, asked) => {
    nock(host).get('/auth/o2/tokeninfo').matchHeader('x-amz-access-token', 'Atza|region-token')
      .reply(200, { aud: MINE, user_id: 'amzn1.account.R', iss: 'https://www.amazon.com', exp: 60 });
    nock(host).get('/user/profile').reply(200, { user_id: 'amzn1.account.R', name: 'R' });
    expect(await run(['check', 'Atza|region-token', '--client-id', MINE, ...region])).toEqual({ code: 0, err: '', out: [
      'accepted:',
      `  LoginWithAmazonStrategy({ clientID: '${MINE}' }) signs in user amzn1.account.R.`,
      `  issued to client id ${MINE}; expires in 60 s.`,
      `  asked ${asked}; a token from one region is valid on the others.`,
      '',
    ].join('\n') });
  });
});
