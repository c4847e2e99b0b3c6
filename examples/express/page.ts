/** What the page needs to know: demo mode (embedded fake) or a real client id for Amazon's SDK. */
export type PageMode = { demo: true } | { demo: false; clientID: string };

/** JSON inside an inline `<script>`: `<` escaped so no value can close the script element. */
function scriptValue(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The example's look, shared with the account page. */
export const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f3f4f6; color: #111827; }
  main { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px;
         box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .mode { padding: .6rem .9rem; border-radius: 8px; background: #eff6ff; color: #1e3a8a; font-size: .9rem; }
  .mode.demo { background: #fffbeb; color: #78350f; }
  .buttons { display: flex; gap: .75rem; flex-wrap: wrap; margin: 1.5rem 0; }
  button { font: inherit; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid #a16207; cursor: pointer;
           background: #ffd814; color: #111; }
  button.secondary { background: #fff; border-color: #9ca3af; }
  #result { min-height: 6rem; }
  .card { padding: 1rem 1.2rem; border-radius: 8px; }
  .card.ok { background: #ecfdf5; border: 1px solid #10b981; }
  .card.error { background: #fef2f2; border: 1px solid #ef4444; }
  .card h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
  dt { color: #6b7280; } dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  code { font-family: ui-monospace, monospace; }`;

/** Browser code shared by both modes: call `/api/me` with a token and show the profile or the error. */
const SHOW_SCRIPT = `
const result = document.getElementById('result');
function card(kind, title, rows) {
  const box = document.createElement('div');
  box.className = 'card ' + kind;
  box.setAttribute('role', 'status');
  const h = document.createElement('h2');
  h.textContent = title;
  const list = document.createElement('dl');
  for (const [name, value] of rows) {
    const dt = document.createElement('dt'); dt.textContent = name;
    const dd = document.createElement('dd'); dd.textContent = value;
    list.append(dt, dd);
  }
  box.append(h, list);
  result.replaceChildren(box);
}
function showError(status, error, description, timing = []) {
  card('error', status + ' ' + error, [['status', String(status)], ['error', error], ['description', description || '(none)'], ...timing]);
}
// The server's Server-Timing header: who answered and how long the authentication took (from the strategy's channel).
function timingRows(res) {
  const header = res.headers.get('server-timing') || '';
  const dur = /dur=([\\d.]+)/.exec(header);
  const desc = /desc="([^"]*)"/.exec(header);
  return dur && desc ? [['answered by', desc[1]], ['took', dur[1] + ' ms']] : [];
}
let lastToken;
async function callMe(token) {
  lastToken = token;
  const again = document.getElementById('again');
  if (again) again.disabled = false;
  const res = await fetch('/api/me', { headers: { authorization: 'Bearer ' + token } });
  const timing = timingRows(res);
  if (res.ok) {
    const user = await res.json();
    return card('ok', 'Signed in as ' + (user.name || user.id),
      [['name', user.name || '(not shared)'], ['email', user.email || '(not shared)'], ['user id', user.id], ...timing]);
  }
  const challenge = res.headers.get('www-authenticate') || '';
  const error = /error="([^"]*)"/.exec(challenge);
  const description = /error_description="([^"]*)"/.exec(challenge);
  let body = {};
  try { body = await res.json(); } catch { /* Passport's 401 body is plain text */ }
  showError(res.status, error ? error[1] : (body.error || 'error'), description ? description[1] : body.message, timing);
}
document.getElementById('again').addEventListener('click', () => { if (lastToken) callMe(lastToken); });`;

const DEMO_SCRIPT = `
async function demo(revoked) {
  result.textContent = 'Signing in…';
  try {
    const res = await fetch('/demo/token' + (revoked ? '?revoked=1' : ''), { method: 'POST' });
    const { access_token } = await res.json();
    await callMe(access_token);
  } catch (err) {
    showError(0, 'network_error', String(err));
  }
}
document.getElementById('demo-sign-in').addEventListener('click', () => demo(false));
document.getElementById('demo-revoked').addEventListener('click', () => demo(true));`;

function amazonScript(clientID: string): string {
  return `
window.onAmazonLoginReady = () => amazon.Login.setClientId(${scriptValue(clientID)});
const sdk = document.createElement('script');
sdk.async = true;
sdk.id = 'amazon-login-sdk';
sdk.src = 'https://assets.loginwithamazon.com/sdk/na/login1.js';
document.getElementById('amazon-root').appendChild(sdk);
document.getElementById('lwa-sign-in').addEventListener('click', () => {
  amazon.Login.authorize({ scope: 'profile', popup: true }, (response) => {
    if (response.error) return showError(0, response.error, response.error_description);
    callMe(response.access_token);
  });
});`;
}

/** Demo mode: the code grant, as a website signs in (a redirect to the fake Amazon's consent page and back). */
const WEBSITE = `<h2>Sign in on a website</h2>
<p>The server redirects you to Amazon (here the fake's consent page), receives a code on its
callback and exchanges it for tokens: <code>LoginWithAmazonOAuth2Strategy</code>.</p>
<form method="get" action="/auth/amazon" class="buttons"><button id="website-sign-in" type="submit">Sign in with Amazon</button></form>`;

/** The example's start page, in demo mode (no request leaves 127.0.0.1) or with Amazon's SDK. */
export function page(mode: PageMode): string {
  const intro = mode.demo
    ? `<p class="mode demo"><strong>Demo mode:</strong> an embedded fake Login with Amazon issues the token.
       Set <code>LWA_CLIENT_ID</code> to sign in with a real Amazon account.</p>`
    : `<p class="mode">Signing in with Amazon (Login with Amazon JavaScript SDK).</p><div id="amazon-root"></div>`;
  const again = '<button id="again" class="secondary" type="button" disabled>Call /api/me again (same token)</button>';
  const buttons = mode.demo
    ? `<button id="demo-sign-in" type="button">Sign in (demo)</button>
       <button id="demo-revoked" class="secondary" type="button">Try a revoked token</button>${again}`
    : `<button id="lwa-sign-in" type="button">Sign in with Amazon</button>${again}`;
  const script = SHOW_SCRIPT + (mode.demo ? DEMO_SCRIPT : amazonScript(mode.clientID));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>passport-login-with-amazon · Express example</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>passport-login-with-amazon · Express example</h1>
${intro}
<p>The button gets a Login with Amazon access token and calls <code>GET /api/me</code> with
<code>Authorization: Bearer &lt;token&gt;</code>; the strategy asks Amazon about it, or its cache
answers when the same token comes again. Each answer shows which, and how long it took.</p>
<div class="buttons">${buttons}</div>
<div id="result" aria-live="polite"></div>
${mode.demo ? WEBSITE : ''}
</main>
<script>${script}</script>
</body>
</html>
`;
}
