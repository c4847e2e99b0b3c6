/**
 * docs/frameworks.md's Koa and Fastify blocks run as written, each in its own process (through
 * tsx, as the guide says) against dist/ and the fake Login with Amazon, with the variables the
 * fake prints: a token of the fake signs in, no token is the RFC 6750 401, another client's token
 * is the invalid_token 401 (and the token never comes back).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../../lib/testing/index.js';
import { doc, markedBlocks, type MarkedBlock } from '../helpers/readme-blocks.js';
import { root, startBlock, stopBlock, type RunningBlock } from '../helpers/readme-run.js';

const ADA = { user_id: 'amzn1.account.DOCS0FRAMEWORKS', name: 'Ada Lovelace' };

function block(name: string): MarkedBlock {
  const found = markedBlocks('runnable', doc('frameworks')).find((b) => b.name === name);
  if (!found) throw new Error(`no <!-- runnable: ${name} --> in docs/frameworks.md`);
  return found;
}

describe.each(['koa.ts', 'fastify.ts'])('docs/frameworks.md %s', (name) => {
  let amazon: FakeAmazon;
  let app: RunningBlock | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(root, '.docs-frameworks-'));
    const code = block(name);
    writeFileSync(join(dir, code.name), code.code);
    amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.docsframeworks', user: ADA });
    app = await startBlock(dir, code, amazon, {
      LWA_TOKENINFO_URL: amazon.endpoints.tokenInfoURL, LWA_PROFILE_URL: amazon.endpoints.profileURL, SESSION_KEY: 'ab'.repeat(32),
    });
  }, 60_000);
  const url = (): string => {
    if (!app) throw new Error(`${name} did not start`);
    return `${app.url}/api/me`;
  };
  afterAll(async () => {
    await stopBlock(app);
    await amazon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a token of the fake signs in: 200 and the user', async () => {
    const res = await fetch(url(), { headers: { authorization: `Bearer ${amazon.issueToken(ADA)}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: ADA.user_id, name: ADA.name });
  });

  it('no token: 401 with the RFC 6750 challenge', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
  });

  it('a token of another client: 401 invalid_token, and the token is not in the answer', async () => {
    const token = amazon.issueToken(ADA, { aud: 'amzn1.application-oa2-client.someone-else', app_id: null });
    const res = await fetch(url(), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await res.text()).not.toContain(token);
  });
});
