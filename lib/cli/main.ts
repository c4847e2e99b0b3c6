/**
 * The command line without the process around it: `main(argv, io)` parses the arguments, runs
 * `check` or `fake`, writes to `io` and returns the exit code, so that tests can run it in-process.
 */
import { REGIONS, type Region } from '../amazon/endpoints.js';
import { closest, parseCommand, UsageError } from './args.js';
import { EXIT, explainToken } from './check.js';
import { runFake, type Output, type SignalSource } from './fake.js';

export const USAGE = `Usage:
  passport-login-with-amazon check - --client-id ID [--region NA|EU|FE] [--tokeninfo-url URL]
      Reads an access token from stdin, asks Amazon about it (or the fake, with the
      --tokeninfo-url that "fake" prints) and says whether LoginWithAmazonStrategy would accept
      it, and if not why. Exit 0 accepted, 1 refused, 2 usage or network error. The token is
      never printed. (check <token> also works, but other local users can read a command line.)
  passport-login-with-amazon fake [--port N] [--client-id ID] [--redirect-uri URL]... [--json]
      Starts a fake Login with Amazon on 127.0.0.1 (tokeninfo, profile, consent page, token
      endpoint) and prints a ready command line for each README quick start, a valid token and
      curl lines. --redirect-uri registers another callback or app redirect URI (repeatable).
      Serves until Ctrl-C. --json prints one JSON object instead.`;

/** The warning `check <token>` writes on stderr: a command line is no place for a secret. */
export const ARGV_WARNING = 'passport-login-with-amazon: warning: a token on the command line can be read by other local users '
  + '(ps, /proc/<pid>/cmdline) while check runs; pipe it in instead: ... | passport-login-with-amazon check - --client-id ID\n';

/** What the command line reads, writes and stops on: the process's own unless a test says otherwise. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  /** Where `check -` reads the token. */
  stdin: AsyncIterable<Buffer | string>;
  /** What stops `fake` (SIGINT, SIGTERM). Default: the process. */
  signals?: SignalSource;
}

/** The process's stdin, opened only when `check -` reads it (opening it can hold the process open). */
const processStdin: AsyncIterable<Buffer | string> = { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() };

async function readStdin(stdin: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').trim();
}

const CHECK_OPTIONS = { 'client-id': { type: 'string' }, region: { type: 'string' }, 'tokeninfo-url': { type: 'string' } } as const;
const FAKE_OPTIONS = { port: { type: 'string' }, 'client-id': { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

async function check(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand('check', args, CHECK_OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError('check takes one token (- to read it from stdin)');
  const clientID = values['client-id'];
  if (typeof clientID !== 'string' || clientID === '') throw new UsageError('check needs --client-id');
  const region = values.region ?? 'NA';
  if (typeof region !== 'string' || !Object.hasOwn(REGIONS, region)) throw new UsageError(`--region must be one of: ${Object.keys(REGIONS).join(', ')}`);
  const tokenInfoURL = values['tokeninfo-url'] as string | undefined;
  const fromArgv = positionals[0] !== '-';
  if (fromArgv) io.stderr.write(ARGV_WARNING);
  const token = fromArgv ? positionals[0] ?? '' : await readStdin(io.stdin);
  const verdict = await explainToken({ token, clientID, region: region as Region, tokenInfoURL }, (line) => io.stderr.write(`passport-login-with-amazon: ${line}\n`));
  io.stdout.write(`${verdict.lines.join('\n')}\n`);
  return verdict.exitCode;
}

/** `--redirect-uri`: an absolute URL, without credentials or a fragment, as Amazon registers them. */
function redirectURI(value: string): string {
  // No white space or control character (C0, DEL): a printed line must stay one line.
  const controls = Array.from(value, (c) => c.charCodeAt(0)).some((code) => code < 0x20 || code === 0x7f);
  const ok = URL.canParse(value) && !controls && !/\s/.test(value) && !value.includes('#');
  const url = ok ? new URL(value) : undefined;
  if (url === undefined || url.username !== '' || url.password !== '' || (['http:', 'https:'].includes(url.protocol) && url.host === '')) {
    throw new UsageError('--redirect-uri must be an absolute URL without credentials or a fragment (http://localhost:3001/auth/amazon/callback, amzn://com.example.app)');
  }
  return value;
}

async function fake(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand('fake', args, FAKE_OPTIONS, false);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(String(values.port ?? '0')) || port > 65535) throw new UsageError('--port must be a port number (0 to 65535)');
  const redirectURIs = ((values['redirect-uri'] ?? []) as string[]).map(redirectURI);
  const clientID = values['client-id'] as string | undefined;
  await runFake({ port, clientID, json: values.json === true, redirectURIs }, { stdout: io.stdout, signals: io.signals ?? process });
  return EXIT.accepted;
}

/** The words for an unknown command: its name when it looks like one (never a pasted token), and a guess. */
function unknownCommand(command: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(command)) return 'unknown command (the commands are check and fake)';
  const guess = closest(command.toLowerCase(), ['check', 'fake', 'help']);
  return `unknown command: ${command}${guess === undefined ? '' : ` (did you mean ${guess}?)`}`;
}

/**
 * Runs `passport-login-with-amazon <argv>` and returns its exit code: 0 done/accepted, 1 refused,
 * 2 usage, network or Amazon error. Writes the usage after the message of a usage error only.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: processStdin },
): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'check') return await check(args, io);
    if (command === 'fake') return await fake(args, io);
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.accepted;
    }
    throw new UsageError(command === undefined ? 'a command is needed' : unknownCommand(command));
  } catch (error) {
    // Option checks (TypeError: "tokeninfo-url" must be ...) are usage errors too.
    const usage = error instanceof UsageError || error instanceof TypeError;
    io.stderr.write(`passport-login-with-amazon: ${(error as Error).message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return EXIT.unknown;
  }
}
