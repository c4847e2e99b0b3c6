/**
 * `passport-login-with-amazon fake`: the fake Login with Amazon of the testing subpath, on a port,
 * with what a newcomer needs printed (see `fake-text.ts`): a ready command line per README quick
 * start, the options that point each strategy at it, a valid token and curl lines. `POST /tokens`
 * and `POST /app-codes` on it issue more tokens and app codes. Serves until SIGINT or SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { APP_CODE_ROUTE, createFakeAmazon, type FakeAmazon } from '../testing/index.js';
import { APP_REDIRECT_URI, CALLBACK_URL, fakeText, type FakeSummary } from './fake-text.js';

export { APP_REDIRECT_URI, type FakeSummary } from './fake-text.js';

/** The client id the fake issues tokens to unless `--client-id` says otherwise. */
export const DEMO_CLIENT_ID = 'amzn1.application-oa2-client.demo';

/** Customer of the tokens the fake prints. */
const DEMO_USER = { name: 'Ada Lovelace', email: 'ada@example.com', postal_code: '98101' };

/** The redirect URIs registered unless `--redirect-uri` adds more: the README apps' callback (localhost and 127.0.0.1) and app. */
export const DEFAULT_REDIRECT_URIS: readonly string[] = [CALLBACK_URL, CALLBACK_URL.replace('localhost', '127.0.0.1'), APP_REDIRECT_URI];

export interface FakeCommand {
  port: number;
  clientID: string | undefined;
  json: boolean;
  /** Registered besides {@link DEFAULT_REDIRECT_URIS} (`--redirect-uri`, already checked). */
  redirectURIs?: readonly string[];
}

/** Where the command line writes (`process.stdout`, or a test's collector). */
export interface Output {
  write(text: string): unknown;
}

/** What stops `fake`: the process, which emits SIGINT and SIGTERM, or a test's stand-in. */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** The summary of a running fake and the token it printed, in the order `--json` prints it. */
export function summary(amazon: FakeAmazon, token: string): FakeSummary {
  return {
    clientID: amazon.clientID, clientSecret: amazon.clientSecret, ...amazon.endpoints,
    authorizationURL: amazon.codeGrant.authorizationURL, tokenURL: amazon.codeGrant.tokenURL,
    appCodesURL: `${amazon.url}${APP_CODE_ROUTE}?redirect_uri=${encodeURIComponent(APP_REDIRECT_URI)}`, token,
  };
}

/** Starts the fake, prints the summary to `io.stdout`, and resolves once a signal of `io.signals` has stopped it. */
export async function runFake(command: FakeCommand, io: { stdout: Output; signals: SignalSource }): Promise<void> {
  const clientID = command.clientID ?? DEMO_CLIENT_ID;
  const redirectURIs = [...new Set([...DEFAULT_REDIRECT_URIS, ...command.redirectURIs ?? []])];
  const amazon = await createFakeAmazon({ clientID, port: command.port, user: DEMO_USER, consent: 'page', redirectURIs, tokenRoute: true });
  const token = amazon.issueToken(DEMO_USER);
  const s = summary(amazon, token);
  // Ctrl-C is handled before anything is printed: whoever reads the output may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => { resolve(); };
    io.signals.once('SIGINT', stop);
    io.signals.once('SIGTERM', stop);
  });
  io.stdout.write(command.json ? `${JSON.stringify(s)}\n` : fakeText(amazon.url, s, randomBytes(32).toString('base64url'), redirectURIs));
  await stopped;
  await amazon.close();
}
