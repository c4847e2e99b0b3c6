/**
 * `main(['fake', …], io)` in this process, stopped by a signal the test emits, and `main` without
 * `io`: the process's stdout, stderr, stdin and signals (spied on; no real SIGINT reaches jest).
 */
import { Readable } from 'node:stream';
import { createServer } from 'node:net';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { main } from '../../lib/cli/main.js';
import { createFakeAmazon, FAKE_CLIENT_SECRET } from '../../lib/testing/index.js';
import { capture, freePort, within } from './io.js';

afterEach(() => { jest.restoreAllMocks(); });

interface Summary { clientID: string; clientSecret: string; tokenInfoURL: string; profileURL: string; authorizationURL: string; tokenURL: string; appCodesURL: string; token: string }

/** Runs `fake` until its first output, then sends it `signal`; the exit code, stdout and stderr. */
async function fake(args: string[], signal: 'SIGINT' | 'SIGTERM' = 'SIGINT'): Promise<{ code: number | 'pending'; out: string; err: string }> {
  const io = capture({ stopOn: signal });
  const running = main(['fake', ...args], io);
  const code = (await within(running, 5000)) === 'settled' ? await running : 'pending';
  return { code, out: io.out(), err: io.err() };
}

const summaryOf = (out: string): Summary => JSON.parse(out) as Summary;
const URLS = (base: string): Omit<Summary, 'clientID' | 'clientSecret' | 'token'> => ({
  tokenInfoURL: `${base}/auth/o2/tokeninfo`, profileURL: `${base}/user/profile`, authorizationURL: `${base}/ap/oa`, tokenURL: `${base}/auth/o2/token`,
  appCodesURL: `${base}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop`,
});

describe('fake', () => {
  test.each([['SIGINT' as const], ['SIGTERM' as const]])('--json prints one JSON line, serves until %s, then exits 0 with the port closed', async (signal) => {
    const { code, out, err } = await fake(['--json'], signal);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/^\{[^\n]*\}\n$/);
    const summary = summaryOf(out);
    const base = new URL(summary.tokenInfoURL).origin;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(summary).toEqual({ clientID: 'amzn1.application-oa2-client.demo', clientSecret: FAKE_CLIENT_SECRET, ...URLS(base), token: expect.stringMatching(/^Atza\|/) });
    await expect(fetch(summary.tokenInfoURL)).rejects.toThrow('fetch failed');
  });

  test('--client-id and --port set the audience and the port', async () => {
    const port = await freePort();
    const { code, out } = await fake(['--client-id', 'amzn1.application-oa2-client.mine', '--port', String(port), '--json']);
    expect(code).toBe(0);
    expect(summaryOf(out)).toMatchObject({ clientID: 'amzn1.application-oa2-client.mine', ...URLS(`http://127.0.0.1:${port}`) });
  });

  test.each([['0', /^[1-9]\d*$/], ['65535', /^65535$/]])('--port %s is a port', async (port, served) => {
    const { code, out } = await fake(['--port', port, '--json']);
    expect(code).toBe(0);
    expect(new URL(summaryOf(out).tokenInfoURL).port).toMatch(served);
  });

  test('without --json it prints the text for people', async () => {
    const { code, out, err } = await fake([]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/^Fake Login with Amazon on http:\/\/127\.0\.0\.1:\d+ \(Ctrl-C stops it\)\.\n\n/);
  });

  const usage = (message: string): RegExp => new RegExp(`^passport-login-with-amazon: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\nUsage:\\n[^]*--json prints one JSON object instead\\.\\n$`);
  test.each([
    ['--port=-1', '--port must be a port number (0 to 65535)'],
    ['--port=65536', '--port must be a port number (0 to 65535)'],
    ['--port=1.5', '--port must be a port number (0 to 65535)'],
    ['--port=abc', '--port must be a port number (0 to 65535)'],
    ['--port=-0.5', '--port must be a port number (0 to 65535)'],
    ['--port=', '--port must be a port number (0 to 65535)'],
    ['extra', 'fake takes no arguments, only options (--port, --client-id, --redirect-uri, --json)'],
    ['--json=yes', 'fake: --json takes no value'],
    ['--region=EU', 'fake: unknown option --region (fake takes --port, --client-id, --redirect-uri, --json)'],
    ['--jsno', 'fake: unknown option --jsno (did you mean --json?)'],
    ['--redirect-url=http://localhost:3001/cb', 'fake: unknown option --redirect-url (did you mean --redirect-uri?)'],
    ['--redirect-uri=/auth/amazon/callback', '--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)'],
    ['--redirect-uri=http://localhost:3001/cb#x', '--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)'],
    ['--redirect-uri=http://u:p@localhost:3001/cb', '--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)'],
    ['--redirect-uri=http://localhost:3001/c\tb', '--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)'],
    // Each check on its own: a user name alone, a password alone, a control character that is not
    // white space (C0, DEL), and white space that is not a control character (which URL would encode).
    ...['http://u@localhost:3001/cb', 'http://:p@localhost:3001/cb', 'http://localhost:3001/c\u0001b', 'http://localhost:3001/c\u001fb',
      'http://localhost:3001/c\u007fb', 'http://localhost:3001/c\u00a0b', 'amzn://com.example.app/\u2028'].map((uri) => [`--redirect-uri=${uri}`,
      '--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)']),
  ])('%s is a usage error: exit 2, nothing served, nothing on stdout', async (arg, message) => {
    const { code, out, err } = await fake([arg]);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(usage(message));
  });

  test('--redirect-uri, repeated, registers each URI it accepts (http, https with a query, an app scheme) and the text lists them', async () => {
    const uris = ['http://localhost:3001/cb', 'https://shop.example/auth/amazon/callback?from=app', 'amzn://com.example.app'];
    const { code, out, err } = await fake(uris.flatMap((uri) => ['--redirect-uri', uri]));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const line = out.split('\n').find((l) => l.startsWith('Registered redirect URIs (more with --redirect-uri): '));
    expect(line?.endsWith(` ${uris.join(' ')}`)).toBe(true);
  });

  test.each([[['--port', '-1'], '--port must be a port number (0 to 65535)'], [['--port'], 'fake: --port needs a value'], [['--port', '--json'], 'fake: --port needs a value']])(
    '%j is a usage error in the command line\'s words, not parseArgs\'', async (args, message) => {
      const { code, err } = await fake(args);
      expect(code).toBe(2);
      expect(err).toMatch(usage(message));
    });

  test('a port in use is an error but not a usage error: exit 2, the message alone', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      expect(await fake(['--port', String(port)])).toEqual({ code: 2, out: '', err: `passport-login-with-amazon: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n` });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('main without io uses the process', () => {
  test('help goes to process.stdout', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['help'])).toBe(0);
    expect(write.mock.calls.map(([text]) => String(text))).toEqual([expect.stringMatching(/^Usage:\n[^]*--json prints one JSON object instead\.\n$/)]);
  });

  test('a usage error goes to process.stderr', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main([])).toBe(2);
    expect(write.mock.calls.map(([text]) => String(text))).toEqual([expect.stringMatching(/^passport-login-with-amazon: a command is needed\n\nUsage:\n/)]);
  });

  test('check - reads process.stdin', async () => {
    const amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.mine' });
    const token = amazon.issueToken();
    jest.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(`${token}\n`)]) as unknown as typeof process.stdin);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['check', '-', '--client-id', amazon.clientID, '--tokeninfo-url', amazon.endpoints.tokenInfoURL])).toBe(0);
      expect(String(write.mock.calls[0]?.[0])).toMatch(/^accepted:\n/);
      expect(amazon.calls).toMatchObject({ tokeninfo: 1, profile: 1 });
    } finally {
      await amazon.close();
    }
  });

  test('fake stops on the process\'s SIGINT or SIGTERM, installed before it prints', async () => {
    const installed: string[] = [];
    const listeners = new Map<string, () => void>();
    const once = process.once.bind(process);
    jest.spyOn(process, 'once').mockImplementation(((event: string, listener: () => void) => {
      if (event !== 'SIGINT' && event !== 'SIGTERM') return once(event, listener);
      installed.push(event);
      listeners.set(event, listener);
      return process;
    }) as typeof process.once);
    let printedAfter: string[] = [];
    let out = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printedAfter = [...installed];
      out += String(text);
      setImmediate(() => listeners.get('SIGTERM')?.());
      return true;
    });
    const running = main(['fake', '--json']);
    expect(await within(running, 5000)).toBe('settled');
    expect(await running).toBe(0);
    expect(printedAfter).toEqual(['SIGINT', 'SIGTERM']);
    await expect(fetch(summaryOf(out).tokenInfoURL)).rejects.toThrow('fetch failed');
  });
});
