/**
 * The README's "Quick start: a mobile app" block (`<!-- runnable: mobile-app.mjs -->`) runs as
 * written, in its own process against dist/, as test/readme-runnable.test.ts runs the token Quick
 * start: the app's code and verifier, as the fake Login with Amazon's authorizeApp() hands them out
 * like the SDK, posted to the block's route sign the user in; a used code, an unregistered redirect
 * URI and Amazon failing get the answers the guide promises. The block calls https://api.amazon.com as
 * written; the preload (test/fixtures/amazon-redirect.js) forwards those calls to the fake.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { markedBlocks } from './helpers/readme-blocks.js';
import { root, startBlock, stopBlock, type RunningBlock } from './helpers/readme-run.js';

const SHOP = 'amzn://com.example.shop';
const GRACE = { user_id: 'amzn1.account.README0MOBILE', name: 'Grace Hopper', email: 'grace@example.com' };
const blocks = markedBlocks('runnable').filter((b) => b.name === 'mobile-app.mjs');

it('finds the block, written as a user writes it (no fake; Amazon\'s endpoints unless the environment names the fake\'s)', () => {
  expect(blocks).toHaveLength(1);
  const code = blocks[0]?.code ?? '';
  expect(code).toContain("from 'passport-login-with-amazon'");
  expect(code).toMatch(/process\.env\.LWA_CLIENT_ID[\s\S]*process\.env\.LWA_CLIENT_SECRET/);
  expect(code).toContain(`redirectURIs: ['${SHOP}']`);
  expect(code.match(/(tokenURL|profileURL): [^,\n]+/g)).toEqual(['tokenURL: process.env.LWA_TOKEN_URL', 'profileURL: process.env.LWA_PROFILE_URL']);
  expect(code).not.toMatch(/testing/);
});

describe.each(blocks)('README block $name', (block) => {
  let dir: string;
  let amazon: FakeAmazon;
  let app: RunningBlock | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(root, '.readme-run-'));
    writeFileSync(join(dir, block.name), block.code);
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.readmeapp', redirectURIs: [SHOP], user: GRACE });
    app = await startBlock(dir, block, amazon, { LWA_CLIENT_SECRET: amazon.clientSecret });
  }, 30_000);

  afterAll(async () => {
    await stopBlock(app);
    await amazon.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => { amazon.reset(); });

  const post = async (body: Record<string, string>): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${app?.url ?? ''}/auth/amazon/app`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.text() };
  };

  it('an app\'s code, verifier and redirect URI sign Grace in: one token call, one profile call, no tokeninfo', async () => {
    const { code, verifier, redirectURI } = amazon.authorizeApp({ redirectURI: SHOP });
    const res = await post({ code, code_verifier: verifier, redirect_uri: redirectURI });
    expect(res).toEqual({ status: 200, body: JSON.stringify({ user: { id: GRACE.user_id, name: GRACE.name } }) });
    expect(amazon.calls).toEqual({ authorization: 1, token: 1, profile: 1, tokeninfo: 0 });
  });

  it('the same code again (used up) is 401, and the answer holds neither the code nor the verifier', async () => {
    const { code, verifier } = amazon.authorizeApp({ redirectURI: SHOP });
    expect((await post({ code, code_verifier: verifier, redirect_uri: SHOP })).status).toBe(200);
    const again = await post({ code, code_verifier: verifier, redirect_uri: SHOP });
    expect(again.status).toBe(401);
    expect(again.body).not.toContain(code);
    expect(again.body).not.toContain(verifier);
    expect(amazon.calls.token).toBe(2);
  });

  it('a redirect URI that is not registered is 400, without a call to Amazon', async () => {
    const { code, verifier } = amazon.authorizeApp({ redirectURI: SHOP });
    amazon.reset();
    const res = await post({ code, code_verifier: verifier, redirect_uri: 'amzn://com.example.other' });
    expect(res.status).toBe(400);
    expect(amazon.calls).toEqual({ authorization: 0, token: 0, profile: 0, tokeninfo: 0 });
  });

  it('Amazon\'s token endpoint failing reaches the block\'s error handler: 502 LWA_UPSTREAM_STATUS', async () => {
    const { code, verifier } = amazon.authorizeApp({ redirectURI: SHOP });
    amazon.fault('token', { status: 500, times: 1 });
    const res = await post({ code, code_verifier: verifier, redirect_uri: SHOP });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'LWA_UPSTREAM_STATUS' });
    expect(res.body).not.toContain(code);
  });
});
