/**
 * `passport-login-with-amazon fake`: the fake Login with Amazon of the testing subpath, on a port,
 * with what a newcomer needs printed: the options that point each strategy at it, a valid token
 * and a curl line. `POST /tokens` on it issues more tokens. Serves until SIGINT or SIGTERM.
 */
import { createFakeAmazon, type FakeAmazon } from '../testing/index.js';

/** The client id the fake issues tokens to unless `--client-id` says otherwise. */
export const DEMO_CLIENT_ID = 'amzn1.application-oa2-client.demo';

/** Where the README's apps listen, for the lines printed (the app's port, not the fake's). */
const APP = 'http://localhost:3000';
const CALLBACK_URL = `${APP}/auth/amazon/callback`;

/** The app redirect URI registered for the app-code flow (the README's example app). */
export const APP_REDIRECT_URI = 'amzn://com.example.shop';

/** Customer of the tokens the fake prints. */
const DEMO_USER = { name: 'Ada Lovelace', email: 'ada@example.com', postal_code: '98101' };

export interface FakeCommand {
  port: number;
  clientID: string | undefined;
  json: boolean;
}

/** Where the command line writes (`process.stdout`, or a test's collector). */
export interface Output {
  write(text: string): unknown;
}

/** What stops `fake`: the process, which emits SIGINT and SIGTERM, or a test's stand-in. */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** The one JSON object `fake --json` prints. */
export interface FakeSummary {
  clientID: string;
  tokenInfoURL: string;
  profileURL: string;
  authorizationURL: string;
  tokenURL: string;
  token: string;
}

export function summary(amazon: FakeAmazon, token: string): FakeSummary {
  return { clientID: amazon.clientID, ...amazon.endpoints, authorizationURL: amazon.codeGrant.authorizationURL, tokenURL: amazon.codeGrant.tokenURL, token };
}

const quote = (value: string): string => `'${value}'`;

function text(amazon: FakeAmazon, s: FakeSummary): string {
  return [
    `Fake Login with Amazon on ${amazon.url} (Ctrl-C stops it).`,
    '',
    'Run the README\'s first quick start (server.mjs, an API that takes access tokens) against it:',
    `  LWA_CLIENT_ID=${s.clientID} LWA_TOKENINFO_URL=${s.tokenInfoURL} LWA_PROFILE_URL=${s.profileURL} node server.mjs`,
    '',
    'Or point each strategy at it in your code:',
    `  new LoginWithAmazonStrategy({ clientID: ${quote(s.clientID)}, tokenInfoURL: ${quote(s.tokenInfoURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    `  new LoginWithAmazonOAuth2Strategy({ clientID: ${quote(s.clientID)}, clientSecret: ${quote(amazon.clientSecret)}, callbackURL: ${quote(CALLBACK_URL)}, ` +
      `authorizationURL: ${quote(s.authorizationURL)}, tokenURL: ${quote(s.tokenURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    `  new LoginWithAmazonCodeExchangeStrategy({ clientID: ${quote(s.clientID)}, clientSecret: ${quote(amazon.clientSecret)}, redirectURIs: [${quote(APP_REDIRECT_URI)}], ` +
      `tokenURL: ${quote(s.tokenURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    '',
    `A valid token (1 hour, client id ${s.clientID}, user ${DEMO_USER.name}):`,
    `  ${s.token}`,
    '',
    'Try it:',
    `  curl -H 'Authorization: Bearer ${s.token}' ${APP}/api/me`,
    '',
    'More tokens (kind: valid, expired, revoked, other-audience):',
    `  curl -X POST '${amazon.url}/tokens?kind=expired'`,
    '',
    'An app\'s code and verifier, as the Android/iOS SDK returns them (POST them to your app-code route):',
    `  curl -X POST '${amazon.url}/app-codes?redirect_uri=${encodeURIComponent(APP_REDIRECT_URI)}'`,
    '',
  ].join('\n');
}

/** Starts the fake, prints the summary to `io.stdout`, and resolves once a signal of `io.signals` has stopped it. */
export async function runFake(command: FakeCommand, io: { stdout: Output; signals: SignalSource }): Promise<void> {
  const clientID = command.clientID ?? DEMO_CLIENT_ID;
  const amazon = await createFakeAmazon({
    clientID, port: command.port, user: DEMO_USER, consent: 'page', redirectURIs: [CALLBACK_URL, CALLBACK_URL.replace('localhost', '127.0.0.1'), APP_REDIRECT_URI],
    tokenRoute: true,
  });
  const token = amazon.issueToken(DEMO_USER);
  const s = summary(amazon, token);
  // Ctrl-C is handled before anything is printed: whoever reads the output may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => { resolve(); };
    io.signals.once('SIGINT', stop);
    io.signals.once('SIGTERM', stop);
  });
  io.stdout.write(command.json ? `${JSON.stringify(s)}\n` : text(amazon, s));
  await stopped;
  await amazon.close();
}
