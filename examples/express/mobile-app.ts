// A stand-in for a mobile app signing in with Login with Amazon against the demo (`npm run example`):
//   npx tsx examples/express/mobile-app.ts http://127.0.0.1:3000
// It does what the Android or iOS SDK does for an authorization code (a PKCE pair, Amazon's
// authorization page, the customer tapping Allow, the code handed back on the app's redirect URI),
// then what the app does: post the code, the verifier and the redirect URI to its backend.
import { createHash, randomBytes } from 'node:crypto';

interface AppConfig {
  clientID: string;
  redirectURI: string;
  authorizationURL: string;
}

/** The SDK's part: a code for the app's redirect URI, bound to the S256 challenge of a fresh verifier. */
async function authorize(config: AppConfig): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(48).toString('base64url');
  const url = new URL(config.authorizationURL);
  url.search = new URLSearchParams({
    client_id: config.clientID, redirect_uri: config.redirectURI, response_type: 'code', scope: 'profile',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  // The fake's consent page: the customer taps Allow, which posts the page's own consent token back.
  const page = await fetch(url);
  const consentToken = /name="consent_token" value="([^"]+)"/.exec(await page.text())?.[1];
  if (page.status !== 200 || consentToken === undefined) throw new Error(`the authorization page answered ${String(page.status)}`);
  const allowed = await fetch(url.origin + url.pathname, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ consent_token: consentToken, decision: 'allow' }) });
  const location = allowed.headers.get('location');
  if (allowed.status !== 302 || location === null || !location.startsWith(config.redirectURI)) throw new Error(`the consent page answered ${String(allowed.status)}`);
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`the authorization page sent no code: ${String(new URL(location).searchParams.get('error'))}`);
  return { code, verifier };
}

const backend = process.argv[2] ?? 'http://127.0.0.1:3000';
try {
  const config = await (await fetch(`${backend}/demo/app-config`)).json() as AppConfig;
  const { code, verifier } = await authorize(config);
  console.log(`The SDK returned a code for ${config.redirectURI}; posting it to the backend.`);
  const res = await fetch(`${backend}/auth/amazon/app`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, code_verifier: verifier, redirect_uri: config.redirectURI }),
  });
  const body = await res.json().catch(() => null) as { user?: { name?: string; id?: string }; expiresIn?: number } | null;
  if (res.status !== 200 || !body?.user) throw new Error(`the backend answered ${String(res.status)}`);
  console.log(`Signed in as ${String(body.user.name)} (${String(body.user.id)}); Amazon's access token lives ${String(body.expiresIn)} s, on the backend only.`);
} catch (error) {
  console.error(`App sign-in failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
