/**
 * Every README code block marked `<!-- runnable: <file name> -->` (the line right before its fence)
 * runs as written: it is an app that serves `GET /api/me` on `PORT` and logs "listening on …".
 *
 * Each block is written to a folder inside the repository, so `import … from
 * 'passport-login-with-amazon'` resolves the way it does for a user: through the package's
 * self-reference and exports map, to dist/ (which jest's globalSetup builds). It runs in its own
 * Node process (`.mjs` with plain node, `.ts` with tsx), with `LWA_CLIENT_ID` set as a user would.
 * The block talks to https://api.amazon.com as written; test/fixtures/amazon-redirect.js, preloaded
 * with `node --import`, forwards those requests to the fake Login with Amazon (see its comment).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { markedBlocks } from './helpers/readme-blocks.js';
import { nodeArgs, root, startBlock, stopBlock, type RunningBlock } from './helpers/readme-run.js';

const CLIENT_ID = 'amzn1.application-oa2-client.readme';
const ADA = { user_id: 'amzn1.account.README0ADA', name: 'Ada Lovelace', email: 'ada@example.com' };

/** The Quick start blocks; the website blocks run in test/readme-website.test.ts, the mobile app's in test/readme-mobile-app.test.ts. */
const blocks = markedBlocks('runnable').filter((b) => b.name.startsWith('quick-start'));

/** A TypeScript project as a user would set one up, checking only the extracted file. */
const TSCONFIG = {
  compilerOptions: {
    strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext',
    types: ['node'], esModuleInterop: true, skipLibCheck: true, noEmit: true,
  },
};

it('finds the Quick start blocks, written as a user writes them', () => {
  expect(blocks.map((b) => [b.name, b.lang])).toEqual(expect.arrayContaining([['quick-start.mjs', 'js'], ['quick-start.ts', 'ts']]));
  for (const { code } of blocks) {
    expect(code).toContain("from 'passport-login-with-amazon'");
    expect(code).toContain('process.env.LWA_CLIENT_ID');
    // Amazon's own endpoints unless the env names the fake's (unset here: the preload forwards Amazon's).
    expect(code.match(/tokenInfoURL: [^,\n]+|profileURL: [^,\n]+/g)).toEqual(['tokenInfoURL: process.env.LWA_TOKENINFO_URL', 'profileURL: process.env.LWA_PROFILE_URL']);
    expect(code).not.toMatch(/testing/);
  }
});

describe.each(blocks)('README block $name', (block) => {
  let dir: string;
  let amazon: FakeAmazon;
  let app: RunningBlock;

  beforeAll(async () => {
    dir = mkdtempSync(join(root, '.readme-run-'));
    writeFileSync(join(dir, block.name), block.code);
    // Its own tsconfig also keeps tsx from applying the repository's `paths` (which map the
    // package name to lib/*.ts): the block must run against dist/, as an installed package does.
    if (block.lang === 'ts') writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: [block.name] }));
    amazon = await createFakeAmazon({ clientID: CLIENT_ID });
    app = await startBlock(dir, block, amazon);
  }, 30_000);

  afterAll(async () => {
    await stopBlock(app);
    await amazon.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const me = (token?: string): Promise<Response> =>
    fetch(`${app.url}/api/me`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('imports passport-login-with-amazon from dist/, as an installed package would', () => {
    const probe = `probe${block.name.slice(block.name.lastIndexOf('.'))}`;
    writeFileSync(join(dir, probe), "console.log(import.meta.resolve('passport-login-with-amazon'));\n");
    const env: NodeJS.ProcessEnv = { ...process.env, FAKE_AMAZON_URL: amazon.url };
    delete env.NODE_OPTIONS;
    const resolved = execFileSync(process.execPath, nodeArgs(probe), { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    expect(resolved.trim()).toBe(`file://${join(root, 'dist/index.js')}`);
  });

  it('answers 200 and the user for a token issued to LWA_CLIENT_ID, asking Amazon (the fake)', async () => {
    const response = await me(amazon.issueToken(ADA, { scopes: ['profile'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: ADA.user_id, name: ADA.name, email: ADA.email });
    expect(amazon.calls).toEqual({ tokeninfo: 1, profile: 1, token: 0, authorization: 0 });
  });

  it('answers 401 with the Bearer challenge without a token, and 401 invalid_token for another app\'s token', async () => {
    const none = await me();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="Users"');
    const other = await me(amazon.issueToken(ADA, { aud: 'amzn1.application-oa2-client.other' }));
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('answers 502 with the error code from its error handler when Amazon fails', async () => {
    amazon.fault('tokeninfo', { status: 500 });
    const response = await me(amazon.issueToken(ADA));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: 'LWA_UPSTREAM_STATUS' });
  });

  if (block.lang === 'ts') {
    it('type-checks (strict) against the built declarations', () => {
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      let listed = '';
      try {
        listed = execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--listFiles'], { encoding: 'utf8', timeout: 60_000 });
      } catch (error) {
        throw new Error(`tsc failed: ${String((error as { stdout?: string }).stdout)}`);
      }
      expect(listed).toContain(join(root, 'dist/index.d.ts'));
    }, 60_000);
  }
});
