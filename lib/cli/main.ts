/**
 * The command line without the process around it: `main(argv, io)` parses the arguments, runs
 * `check` or `fake`, writes to `io` and returns the exit code, so that tests can run it in-process.
 */
import { parseArgs } from 'node:util';
import { REGIONS, type Region } from '../amazon/endpoints.js';
import { EXIT, explainToken } from './check.js';
import { runFake, type Output, type SignalSource } from './fake.js';

export const USAGE = `Usage:
  passport-login-with-amazon fake [--port N] [--client-id ID] [--json]
      Starts a fake Login with Amazon on 127.0.0.1 (tokeninfo, profile, consent page, token
      endpoint) and prints the options that point each strategy at it, a valid token and a curl
      line. Serves until Ctrl-C. --json prints one JSON object instead.
  passport-login-with-amazon check <token|-> --client-id ID [--region NA|EU|FE] [--tokeninfo-url URL]
      Asks Amazon about the token (read from stdin with -) and says whether LoginWithAmazonStrategy
      would accept it, and if not why. Exit 0 accepted, 1 refused, 2 usage or network error.
      The token is never printed.`;

/** What the command line reads, writes and stops on: the process's own unless a test says otherwise. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  /** Where `check -` reads the token. */
  stdin: AsyncIterable<Buffer | string>;
  /** What stops `fake` (SIGINT, SIGTERM). Default: the process. */
  signals?: SignalSource;
}

class UsageError extends Error {}

/** The process's stdin, opened only when `check -` reads it (opening it can hold the process open). */
const processStdin: AsyncIterable<Buffer | string> = { [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator]() };

async function readStdin(stdin: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').trim();
}

async function check(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { 'client-id': { type: 'string' }, region: { type: 'string', default: 'NA' }, 'tokeninfo-url': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('check takes one token (or - to read it from stdin)');
  const clientID = values['client-id'];
  if (clientID === undefined || clientID === '') throw new UsageError('check needs --client-id');
  if (!Object.hasOwn(REGIONS, values.region)) throw new UsageError(`--region must be one of: ${Object.keys(REGIONS).join(', ')}`);
  const token = positionals[0] === '-' ? await readStdin(io.stdin) : positionals[0] ?? '';
  const verdict = await explainToken({ token, clientID, region: values.region as Region, tokenInfoURL: values['tokeninfo-url'] });
  io.stdout.write(`${verdict.lines.join('\n')}\n`);
  return verdict.exitCode;
}

async function fake(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args, allowPositionals: false, strict: true,
    options: { port: { type: 'string' }, 'client-id': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0 to 65535)');
  await runFake({ port, clientID: values['client-id'], json: values.json }, { stdout: io.stdout, signals: io.signals ?? process });
  return EXIT.accepted;
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
    throw new UsageError(command === undefined ? 'a command is needed' : `unknown command: ${command}`);
  } catch (error) {
    // parseArgs' own errors (ERR_PARSE_ARGS_…) and option checks (TypeError) are usage errors too.
    const usage = error instanceof UsageError || error instanceof TypeError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    io.stderr.write(`passport-login-with-amazon: ${(error as Error).message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return EXIT.unknown;
  }
}
