/**
 * `runFake()` and `summary()` in this process: the text it prints, line for line, or its one JSON
 * line; the fake it serves (the demo customer, the registered redirect URIs, the consent page, the
 * token route); and the stop: SIGINT or SIGTERM of the given signal source, listened to before
 * anything is printed, after which the port is closed.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { APP_REDIRECT_URI, DEMO_CLIENT_ID, runFake, summary } from '../../lib/cli/fake.js';
import { createFakeAmazon, FAKE_CLIENT_SECRET, type FakeAmazon } from '../../lib/testing/index.js';
import { capture, freePort, within, type Captured } from './io.js';

describe('summary()', () => {
  let amazon: FakeAmazon;
  beforeAll(async () => { amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.mine' }); });
  afterAll(async () => { await amazon.close(); });

  test('is the client id and secret, the four URLs of the fake, the app-codes URL and the token, in that order', () => {
    const s = summary(amazon, 'Atza|t');
    expect(JSON.stringify(s)).toBe(JSON.stringify({
      clientID: 'amzn1.application-oa2-client.mine', clientSecret: FAKE_CLIENT_SECRET,
      tokenInfoURL: `${amazon.url}/auth/o2/tokeninfo`, profileURL: `${amazon.url}/user/profile`,
      authorizationURL: `${amazon.url}/ap/oa`, tokenURL: `${amazon.url}/auth/o2/token`,
      appCodesURL: `${amazon.url}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop`,
      token: 'Atza|t',
    }));
  });
});

/** Starts `runFake` and waits for what it prints; `stop()` sends the signal and waits for it to end. */
async function start(options: { port?: number; clientID?: string; json: boolean; redirectURIs?: string[] }): Promise<{ io: Captured; stop: (signal?: 'SIGINT' | 'SIGTERM') => Promise<unknown> }> {
  const io = capture();
  const running = runFake({ port: options.port ?? 0, clientID: options.clientID, json: options.json, redirectURIs: options.redirectURIs }, io);
  for (let tries = 0; io.out() === '' && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  return { io, stop: async (signal = 'SIGINT') => { io.signals.emit(signal); return within(running, 5000); } };
}

const REGISTERED = 'http://localhost:3000/auth/amazon/callback http://127.0.0.1:3000/auth/amazon/callback amzn://com.example.shop';

const text = (url: string, token: string, sessionSecret: string, clientID = DEMO_CLIENT_ID, registered = REGISTERED): string => [
  `Fake Login with Amazon on ${url} (Ctrl-C stops it).`,
  '',
  'Run the README\'s quick starts against it (each in its own terminal, next to its file):',
  '  the token API (server.mjs; server.ts: npx tsx server.ts):',
  `  LWA_CLIENT_ID=${clientID} LWA_TOKENINFO_URL=${url}/auth/o2/tokeninfo LWA_PROFILE_URL=${url}/user/profile node server.mjs`,
  '  the website (website.mjs), then open http://localhost:3000/auth/amazon:',
  `  LWA_CLIENT_ID=${clientID} LWA_CLIENT_SECRET=${FAKE_CLIENT_SECRET} LWA_AUTHORIZATION_URL=${url}/ap/oa LWA_TOKEN_URL=${url}/auth/o2/token `
    + `LWA_PROFILE_URL=${url}/user/profile SESSION_SECRET=${sessionSecret} node website.mjs`,
  '  the mobile-app backend (mobile-app.mjs):',
  `  LWA_CLIENT_ID=${clientID} LWA_CLIENT_SECRET=${FAKE_CLIENT_SECRET} LWA_TOKEN_URL=${url}/auth/o2/token LWA_PROFILE_URL=${url}/user/profile node mobile-app.mjs`,
  '',
  `Registered redirect URIs (more with --redirect-uri): ${registered}`,
  '',
  'Or point each strategy at it in your code:',
  `  new LoginWithAmazonStrategy({ clientID: '${clientID}', tokenInfoURL: '${url}/auth/o2/tokeninfo', profileURL: '${url}/user/profile' }, verify);`,
  `  new LoginWithAmazonOAuth2Strategy({ clientID: '${clientID}', clientSecret: '${FAKE_CLIENT_SECRET}', callbackURL: 'http://localhost:3000/auth/amazon/callback', `
    + `authorizationURL: '${url}/ap/oa', tokenURL: '${url}/auth/o2/token', profileURL: '${url}/user/profile' }, verify);`,
  `  new LoginWithAmazonCodeExchangeStrategy({ clientID: '${clientID}', clientSecret: '${FAKE_CLIENT_SECRET}', redirectURIs: ['amzn://com.example.shop'], `
    + `tokenURL: '${url}/auth/o2/token', profileURL: '${url}/user/profile' }, verify);`,
  '',
  `A valid token (1 hour, client id ${clientID}, user Ada Lovelace):`,
  `  ${token}`,
  '',
  'Try it on the token API:',
  `  curl -H 'Authorization: Bearer ${token}' http://localhost:3000/api/me`,
  'Ask whether the strategy accepts it (the token on stdin, not on the command line):',
  `  echo '${token}' | npx passport-login-with-amazon check - --client-id ${clientID} --tokeninfo-url ${url}/auth/o2/tokeninfo`,
  '',
  'More tokens (kind: valid, expired, revoked, other-audience):',
  `  curl -X POST '${url}/tokens?kind=expired'`,
  '',
  'Sign in on the mobile-app backend with a fresh app code, as the Android/iOS SDK and the app would:',
  `  curl -s -X POST '${url}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop' | curl -s -H 'content-type: application/json' --data-binary @- http://localhost:3000/auth/amazon/app`,
  '',
].join('\n');

describe('runFake()', () => {
  test('prints the text for people, exactly, with the URL of the fake and a token it approves', async () => {
    const port = await freePort();
    const { io, stop } = await start({ port, json: false });
    const url = `http://127.0.0.1:${port}`;
    const token = /^ {2}(Atza\|\S+)$/m.exec(io.out())?.[1] ?? 'no token printed';
    const sessionSecret = / SESSION_SECRET=([A-Za-z0-9_-]{43}) node website\.mjs$/m.exec(io.out())?.[1] ?? 'no session secret printed';
    expect(io.out()).toBe(text(url, token, sessionSecret));
    const info = await fetch(`${url}/auth/o2/tokeninfo`, { headers: { 'x-amz-access-token': token } });
    expect(await info.json()).toMatchObject({ aud: DEMO_CLIENT_ID, exp: 3600 });
    expect(await stop()).toBe('settled');
  });

  test('json prints the summary as one JSON line; a client id given is the audience of the token', async () => {
    const { io, stop } = await start({ clientID: 'amzn1.application-oa2-client.mine', json: true });
    const token = (JSON.parse(io.out()) as { token: string }).token;
    const url = new URL((JSON.parse(io.out()) as { tokenInfoURL: string }).tokenInfoURL).origin;
    expect(io.out()).toBe(`{"clientID":"amzn1.application-oa2-client.mine","clientSecret":"${FAKE_CLIENT_SECRET}","tokenInfoURL":"${url}/auth/o2/tokeninfo","profileURL":"${url}/user/profile",`
      + `"authorizationURL":"${url}/ap/oa","tokenURL":"${url}/auth/o2/token","appCodesURL":"${url}/app-codes?redirect_uri=amzn%3A%2F%2Fcom.example.shop","token":"${token}"}\n`);
    const info = await fetch(`${url}/auth/o2/tokeninfo`, { headers: { 'x-amz-access-token': token } });
    expect(await info.json()).toMatchObject({ aud: 'amzn1.application-oa2-client.mine' });
    expect(await stop()).toBe('settled');
  });

  test('the token is the demo customer\'s, with a name and an email', async () => {
    const { io, stop } = await start({ json: true });
    const s = JSON.parse(io.out()) as { token: string; profileURL: string };
    const profile = await fetch(s.profileURL, { headers: { authorization: `Bearer ${s.token}` } });
    expect(await profile.json()).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(await stop()).toBe('settled');
  });

  test('serves the consent page for the README app\'s callback on localhost and 127.0.0.1, and the app redirect URI, nothing else', async () => {
    const { io, stop } = await start({ json: true });
    const url = new URL((JSON.parse(io.out()) as { tokenInfoURL: string }).tokenInfoURL).origin;
    const page = async (redirectURI: string): Promise<number> => {
      const query = new URLSearchParams({ client_id: DEMO_CLIENT_ID, redirect_uri: redirectURI, response_type: 'code', scope: 'profile' });
      return (await fetch(`${url}/ap/oa?${query.toString()}`, { redirect: 'manual' })).status;
    };
    expect(await page('http://localhost:3000/auth/amazon/callback')).toBe(200);
    expect(await page('http://127.0.0.1:3000/auth/amazon/callback')).toBe(200);
    expect(await page('http://localhost:3000/other')).toBe(400);
    expect((await fetch(`${url}/app-codes?redirect_uri=${encodeURIComponent(APP_REDIRECT_URI)}`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${url}/app-codes?redirect_uri=${encodeURIComponent('amzn://com.example.other')}`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${url}/tokens?kind=expired`, { method: 'POST' })).status).toBe(200);
    expect(await stop()).toBe('settled');
  });

  test.each([['SIGINT' as const], ['SIGTERM' as const]])('listens to SIGINT and SIGTERM before printing, and %s stops it: the port is closed', async (signal) => {
    const { io, stop } = await start({ json: true });
    expect(io.listenersAtWrite).toEqual([{ SIGINT: 1, SIGTERM: 1 }]);
    const { tokenInfoURL } = JSON.parse(io.out()) as { tokenInfoURL: string };
    expect((await fetch(tokenInfoURL)).status).toBe(400);
    expect(await stop(signal)).toBe('settled');
    await expect(fetch(tokenInfoURL)).rejects.toThrow('fetch failed');
  });

  test('serves until a signal: still running a while after printing', async () => {
    const io = capture();
    const running = runFake({ port: 0, clientID: undefined, json: true }, io);
    expect(await within(running, 300)).toBe('pending');
    expect(io.out()).toMatch(/^\{"clientID":"amzn1\.application-oa2-client\.demo",/);
    io.signals.emit('SIGINT');
    expect(await within(running, 5000)).toBe('settled');
  });
});

describe('runFake() --redirect-uri', () => {
  test('registers more callback and app redirect URIs: the consent page and /app-codes accept them, and the text lists them', async () => {
    const extra = ['http://localhost:3001/auth/amazon/callback', 'amzn://com.example.other'];
    const { io, stop } = await start({ json: false, redirectURIs: extra });
    const url = /^Fake Login with Amazon on (\S+) /.exec(io.out())?.[1] ?? '';
    const query = new URLSearchParams({ client_id: DEMO_CLIENT_ID, redirect_uri: extra[0] ?? '', response_type: 'code', scope: 'profile' });
    expect((await fetch(`${url}/ap/oa?${query.toString()}`)).status).toBe(200);
    expect((await fetch(`${url}/app-codes?redirect_uri=${encodeURIComponent(extra[1] ?? '')}`, { method: 'POST' })).status).toBe(200);
    expect(io.out()).toContain(`\nRegistered redirect URIs (more with --redirect-uri): ${REGISTERED} ${extra.join(' ')}\n`);
    expect(await stop()).toBe('settled');
  });
});

describe('the quick-start lines', () => {
  /** Runs a printed line in sh with `node X.mjs` replaced by `env`: the variables the README's file would see. */
  function environment(line: string): Record<string, string> {
    const command = line.replace(/ node [a-z-]+\.mjs$/, ' env');
    const output = execFileSync('/bin/sh', ['-c', command], { env: {}, encoding: 'utf8' });
    const pairs = output.trim().split('\n').map((l): [string, string] => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
    return Object.fromEntries(pairs.filter(([name]) => /^(LWA_|SESSION_SECRET)/.test(name)));
  }

  test('each sets, through a shell, exactly the variables its README file reads, even for a client id a shell would split', async () => {
    const clientID = 'amzn1.application-oa2-client.it\'s $HOME mine';
    const { io, stop } = await start({ json: false, clientID });
    const lines = io.out().split('\n').map((l) => l.trim());
    const line = (file: string): string => lines.find((l) => l.endsWith(` node ${file}`)) ?? `no line for ${file}`;
    const url = /^Fake Login with Amazon on (\S+) /.exec(io.out())?.[1] ?? '';
    expect(environment(line('server.mjs'))).toEqual({ LWA_CLIENT_ID: clientID, LWA_TOKENINFO_URL: `${url}/auth/o2/tokeninfo`, LWA_PROFILE_URL: `${url}/user/profile` });
    expect(environment(line('website.mjs'))).toEqual({
      LWA_CLIENT_ID: clientID, LWA_CLIENT_SECRET: FAKE_CLIENT_SECRET, LWA_AUTHORIZATION_URL: `${url}/ap/oa`, LWA_TOKEN_URL: `${url}/auth/o2/token`,
      LWA_PROFILE_URL: `${url}/user/profile`, SESSION_SECRET: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(environment(line('mobile-app.mjs'))).toEqual({ LWA_CLIENT_ID: clientID, LWA_CLIENT_SECRET: FAKE_CLIENT_SECRET, LWA_TOKEN_URL: `${url}/auth/o2/token`, LWA_PROFILE_URL: `${url}/user/profile` });
    expect(await stop()).toBe('settled');
  });

  test('a new session secret each run', async () => {
    const secrets: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const { io, stop } = await start({ json: false });
      secrets.push(/ SESSION_SECRET=(\S+) node website\.mjs$/m.exec(io.out())?.[1] ?? '');
      expect(await stop()).toBe('settled');
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});
