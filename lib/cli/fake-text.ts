/**
 * What `passport-login-with-amazon fake` prints for people: one ready command line per README
 * quick start (the environment variables the README's files read, secrets included), the options
 * that point each strategy at the fake, a valid token, and curl lines. Tests and the README's
 * quick-start tests read these lines: keep their shape stable.
 */
/** Where the README's apps listen (`PORT` default 3000): the app's address, not the fake's. */
export const APP = 'http://localhost:3000';
/** The website quick start's callback, registered with the fake (also on 127.0.0.1). */
export const CALLBACK_URL = `${APP}/auth/amazon/callback`;
/** The app redirect URI the README's mobile-app backend accepts, registered with the fake. */
export const APP_REDIRECT_URI = 'amzn://com.example.shop';

/** The one JSON object `fake --json` prints. */
export interface FakeSummary {
  clientID: string;
  /** The client secret the fake's token endpoint accepts (the website and mobile-app quick starts need it). */
  clientSecret: string;
  tokenInfoURL: string;
  profileURL: string;
  authorizationURL: string;
  tokenURL: string;
  /** `POST` it for `{ code, code_verifier, redirect_uri }`, an app's code for the README's app redirect URI. */
  appCodesURL: string;
  token: string;
}

/** `value` as one shell word: as it is when it is plain, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._:/@%+=,-]+$/.test(value) ? value : `'${value.replaceAll('\'', '\'\\\'\'')}'`;
}

const env = (vars: Record<string, string>): string => Object.entries(vars).map(([name, value]) => `${name}=${shellWord(value)}`).join(' ');
const quote = (value: string): string => `'${value.replaceAll('\\', '\\\\').replaceAll('\'', '\\\'')}'`;

/** The three quick-start command lines, in the README's order: token API, website, mobile-app backend. */
export function quickStartLines(s: FakeSummary, sessionSecret: string): { server: string; website: string; mobileApp: string } {
  const id = { LWA_CLIENT_ID: s.clientID };
  return {
    server: `${env({ ...id, LWA_TOKENINFO_URL: s.tokenInfoURL, LWA_PROFILE_URL: s.profileURL })} node server.mjs`,
    website: `${env({ ...id, LWA_CLIENT_SECRET: s.clientSecret, LWA_AUTHORIZATION_URL: s.authorizationURL, LWA_TOKEN_URL: s.tokenURL, LWA_PROFILE_URL: s.profileURL, SESSION_SECRET: sessionSecret })} node website.mjs`,
    mobileApp: `${env({ ...id, LWA_CLIENT_SECRET: s.clientSecret, LWA_TOKEN_URL: s.tokenURL, LWA_PROFILE_URL: s.profileURL })} node mobile-app.mjs`,
  };
}

/** The whole text, ending in a line break. */
export function fakeText(url: string, s: FakeSummary, sessionSecret: string, redirectURIs: readonly string[]): string {
  const run = quickStartLines(s, sessionSecret);
  const cid = quote(s.clientID);
  return [
    `Fake Login with Amazon on ${url} (Ctrl-C stops it).`,
    '',
    'Run the README\'s quick starts against it (each in its own terminal, next to its file):',
    '  the token API (server.mjs; server.ts: npx tsx server.ts):',
    `  ${run.server}`,
    `  the website (website.mjs), then open ${APP}/auth/amazon:`,
    `  ${run.website}`,
    '  the mobile-app backend (mobile-app.mjs):',
    `  ${run.mobileApp}`,
    '',
    `Registered redirect URIs (more with --redirect-uri): ${redirectURIs.join(' ')}`,
    '',
    'Or point each strategy at it in your code:',
    `  new LoginWithAmazonStrategy({ clientID: ${cid}, tokenInfoURL: ${quote(s.tokenInfoURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    `  new LoginWithAmazonOAuth2Strategy({ clientID: ${cid}, clientSecret: ${quote(s.clientSecret)}, callbackURL: ${quote(CALLBACK_URL)}, `
      + `authorizationURL: ${quote(s.authorizationURL)}, tokenURL: ${quote(s.tokenURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    `  new LoginWithAmazonCodeExchangeStrategy({ clientID: ${cid}, clientSecret: ${quote(s.clientSecret)}, redirectURIs: [${quote(APP_REDIRECT_URI)}], `
      + `tokenURL: ${quote(s.tokenURL)}, profileURL: ${quote(s.profileURL)} }, verify);`,
    '',
    `A valid token (1 hour, client id ${s.clientID}, user Ada Lovelace):`,
    `  ${s.token}`,
    '',
    'Try it on the token API:',
    `  curl -H 'Authorization: Bearer ${s.token}' ${APP}/api/me`,
    'Ask whether the strategy accepts it (the token on stdin, not on the command line):',
    `  echo '${s.token}' | npx passport-login-with-amazon check - --client-id ${shellWord(s.clientID)} --tokeninfo-url ${s.tokenInfoURL}`,
    '',
    'More tokens (kind: valid, expired, revoked, other-audience):',
    `  curl -X POST '${url}/tokens?kind=expired'`,
    '',
    'Sign in on the mobile-app backend with a fresh app code, as the Android/iOS SDK and the app would:',
    `  curl -s -X POST '${s.appCodesURL}' | curl -s -H 'content-type: application/json' --data-binary @- ${APP}/auth/amazon/app`,
    '',
  ].join('\n');
}
