/**
 * Consent at the fake's `/ap/oa` is given only by a POST from its own consent page: the page's
 * single-use token, sent by the page itself (Origin and Sec-Fetch-Site of the fake's own origin
 * when a browser sends them). `decision` in a GET's query, a token from another page, an old or
 * used token, another origin: a 403 page or the page again, and never a code. The error page
 * names the redirect URI received and those registered, HTML-escaped.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { CONSENT_TTL_MS, ConsentTokens, MAX_CONSENT_TOKENS } from '../../lib/testing/consent-tokens.js';

const REDIRECT = 'https://app.example.com/auth/amazon/callback';
let clock = 1_700_000_000_000;
let amazon: FakeAmazon;
beforeAll(async () => { amazon = await createFakeAmazon({ redirectURIs: [REDIRECT], consent: 'page', now: () => clock }); });
afterAll(async () => { await amazon.close(); });
afterEach(() => { amazon.reset(); amazon.consent = 'page'; clock = 1_700_000_000_000; });

const QUERY = { response_type: 'code', scope: 'profile', state: 'st4te', code_challenge: 'c'.repeat(43), code_challenge_method: 'S256' };
const pageURL = (patch: Record<string, string> = {}): string =>
  `${amazon.codeGrant.authorizationURL}?${new URLSearchParams({ client_id: amazon.clientID, redirect_uri: REDIRECT, ...QUERY, ...patch }).toString()}`;

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request with the headers a browser would send (node:http, so that Origin and Sec-Fetch-Site can be set). */
function request(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += String(chunk); });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function consentToken(patch: Record<string, string> = {}): Promise<string> {
  const page = await request('GET', pageURL(patch));
  const token = /name="consent_token" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || token === undefined) throw new Error(`no consent page: ${String(page.status)}`);
  return token;
}

const own = (): Record<string, string> => ({ origin: amazon.url, 'sec-fetch-site': 'same-origin' });
const post = (form: Record<string, string>, headers = own()): Promise<Answer> =>
  request('POST', amazon.codeGrant.authorizationURL, headers, new URLSearchParams(form).toString());
const codeIn = (answer: Answer): string | null => (answer.headers.location === undefined ? null : new URL(answer.headers.location).searchParams.get('code'));

describe('the consent page', () => {
  test('is a form that POSTs a fresh consent token, and may not be framed or cached', async () => {
    const page = await request('GET', pageURL());
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<form method="post" action="\/ap\/oa"><input type="hidden" name="consent_token" value="[A-Za-z0-9_-]{32}">/);
    expect(page.headers).toMatchObject({ 'x-frame-options': 'DENY', 'content-security-policy': 'frame-ancestors \'none\'', 'cache-control': 'no-store' });
    expect(await consentToken()).not.toBe(await consentToken());
  });

  test.each([['allow'], ['deny'], ['Allow']])('GET with decision=%s in the query shows the page again: no redirect, no code', async (decision) => {
    const answer = await request('GET', pageURL({ decision }));
    expect(answer.status).toBe(200);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.body).toContain('>Allow</button>');
  });
});

describe('POST /ap/oa from the page', () => {
  test('Allow redirects to the redirect URI with a code and the state; the code is exchanged as usual', async () => {
    const answer = await post({ consent_token: await consentToken(), decision: 'allow' });
    expect(answer.status).toBe(302);
    const back = new URL(String(answer.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(back.searchParams)).toEqual({ code: expect.stringMatching(/^AN/), scope: 'profile', state: 'st4te' });
  });

  test('Cancel redirects with error=access_denied and the state, no code', async () => {
    const answer = await post({ consent_token: await consentToken(), decision: 'deny' });
    const back = new URL(String(answer.headers.location));
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'access_denied', state: 'st4te' });
    expect(codeIn(answer)).toBeNull();
  });

  test('without Origin and Sec-Fetch-Site (a non-browser client that read the page) the token alone is enough', async () => {
    expect(codeIn(await post({ consent_token: await consentToken(), decision: 'allow' }, {}))).toMatch(/^AN/);
  });

  test('approves the request its page showed, whatever else the POST carries', async () => {
    const answer = await post({ consent_token: await consentToken(), decision: 'allow', redirect_uri: 'https://evil.example/cb', state: 'theirs', scope: 'postal_code' });
    const back = new URL(String(answer.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ state: 'st4te', scope: 'profile' });
  });
});

describe('POST /ap/oa refused: a 403 page, no redirect, no code', () => {
  const expectRefused = async (answer: Promise<Answer>): Promise<void> => {
    const { status, headers, body } = await answer;
    expect({ status, location: headers.location }).toEqual({ status: 403, location: undefined });
    expect(body).toContain('Consent is given on the fake\'s own consent page only');
  };

  test.each([
    ['another site\'s Origin', { origin: 'http://attacker.test:8080', 'sec-fetch-site': 'cross-site' }],
    ['another site\'s Origin without Sec-Fetch-Site', { origin: 'http://attacker.test:8080' }],
    ['Origin: null (a sandboxed frame, a data: page)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling port or subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
    ['the fake\'s origin on another port', { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }],
  ])('%s, even with a good token', async (_name, headers) => {
    await expectRefused(post({ consent_token: await consentToken(), decision: 'allow' }, headers));
  });

  test.each([
    ['no token', { decision: 'allow' }],
    ['an unknown token', { consent_token: 'A'.repeat(32), decision: 'allow' }],
    ['an empty token', { consent_token: '', decision: 'allow' }],
  ])('%s', async (_name, form) => {
    await expectRefused(post(form));
  });

  test.each([['no decision', {}], ['another decision', { decision: 'yes' }]])('%s (and the token is spent)', async (_name, form) => {
    const token = await consentToken();
    await expectRefused(post({ consent_token: token, ...form }));
    await expectRefused(post({ consent_token: token, decision: 'allow' }));
  });

  test('a used token: the second Allow gets no second code', async () => {
    const token = await consentToken();
    expect(codeIn(await post({ consent_token: token, decision: 'allow' }))).toMatch(/^AN/);
    await expectRefused(post({ consent_token: token, decision: 'allow' }));
  });

  test(`a token older than ${String(CONSENT_TTL_MS / 60_000)} minutes`, async () => {
    const token = await consentToken();
    clock += CONSENT_TTL_MS;
    await expectRefused(post({ consent_token: token, decision: 'allow' }));
  });

  test('in consent mode approve (no page was shown) a POST decides nothing', async () => {
    amazon.consent = 'approve';
    await expectRefused(post({ consent_token: 'A'.repeat(32), decision: 'allow' }));
  });

  test('a body that is not a form', async () => {
    await expectRefused(request('POST', amazon.codeGrant.authorizationURL, { ...own(), 'content-type': 'application/json' }, JSON.stringify({ consent_token: await consentToken(), decision: 'allow' })));
  });


  test('another method is 405', async () => {
    const answer = await request('PUT', amazon.codeGrant.authorizationURL);
    expect({ status: answer.status, allow: answer.headers.allow }).toEqual({ status: 405, allow: 'GET, POST' });
  });
});

describe('the error page for a redirect URI that is not registered', () => {
  test('names the redirect URI received and the registered ones, HTML-escaped', async () => {
    const received = 'http://localhost:3001/auth/amazon/callback?x="><script>alert(1)</script>';
    const page = await request('GET', pageURL({ redirect_uri: received }));
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.body).toContain('The redirect URI is not registered for this client');
    expect(page.body).toContain('Received: <code>http://localhost:3001/auth/amazon/callback?x=&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;</code>');
    expect(page.body).toContain(`<li><code>${REDIRECT}</code></li>`);
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('passport-login-with-amazon fake --redirect-uri URL');
  });

  test('says so when the request has no redirect_uri, and when none is registered', async () => {
    const none = await createFakeAmazon({ consent: 'page' });
    try {
      const url = `${none.codeGrant.authorizationURL}?${new URLSearchParams({ client_id: none.clientID, ...QUERY }).toString()}`;
      const page = await request('GET', url);
      expect(page.body).toContain('The request has no <code>redirect_uri</code>.');
      expect(page.body).toContain('No redirect URI is registered.');
    } finally {
      await none.close();
    }
  });
});

describe('ConsentTokens', () => {
  test(`keeps at most ${String(MAX_CONSENT_TOKENS)} pages' tokens: the oldest goes first, the newest still works (a flood of page views costs bounded memory)`, () => {
    const tokens = new ConsentTokens(() => 0);
    const oldest = tokens.issue('?first');
    const second = tokens.issue('?second');
    for (let i = 2; i < MAX_CONSENT_TOKENS; i += 1) tokens.issue(`?${String(i)}`);
    const newest = tokens.issue('?newest');
    expect(tokens.take(oldest)).toBeUndefined();
    expect(tokens.take(second)).toBe('?second');
    expect(tokens.take(newest)).toBe('?newest');
    expect(tokens.take(newest)).toBeUndefined();
  });

  test('takes a string token only, and refuses one the moment it expires', () => {
    let now = 0;
    const tokens = new ConsentTokens(() => now);
    const token = tokens.issue('?q');
    for (const bad of [undefined, null, 42, [token], { toString: () => token }]) expect(tokens.take(bad)).toBeUndefined();
    now = CONSENT_TTL_MS - 1;
    expect(tokens.take(token)).toBe('?q');
    const late = tokens.issue('?late');
    now += CONSENT_TTL_MS;
    expect(tokens.take(late)).toBeUndefined();
  });
});
