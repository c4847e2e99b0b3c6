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
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFakeAmazon, type FakeAmazon } from '../lib/testing/index.js';
import { markedBlocks, readme } from './helpers/readme-blocks.js';
import { nodeArgs, root, startBlock, stopBlock, type RunningBlock } from './helpers/readme-run.js';

const CLIENT_ID = 'amzn1.application-oa2-client.readme';
const ADA = { user_id: 'amzn1.account.README0ADA', name: 'Ada Lovelace', email: 'ada@example.com' };

/** The Quick start blocks; the website blocks run in test/readme-website.test.ts, the mobile app's in test/readme-mobile-app.test.ts. */
const blocks = markedBlocks('runnable').filter((b) => b.name.startsWith('quick-start'));

/** The README's tsconfig.json for the TypeScript quick start, and the dev dependencies it names. */
const [tsconfig] = markedBlocks('readme-tsconfig');
const devDependencies = /`npm install -D (typescript [@\w/ -]+)`/.exec(readme.replace(/\n/g, ' '))?.[1]?.split(' ') ?? [];
/** What `npm init -y` and then `npm pkg set type=module` (as the README says) leave. */
const PACKAGE = { name: 'quick-start', version: '1.0.0', main: 'index.js', type: 'module' };

it('the TypeScript quick start names its dev dependencies and a tsconfig.json, and says that npm init -y writes "type": "commonjs"', () => {
  expect(tsconfig?.name).toBe('tsconfig.json');
  expect(devDependencies).toEqual(['typescript', '@types/node', '@types/express', '@types/passport']);
  const text = readme.replace(/\s+/g, ' ');
  expect(text).toContain('`npm install -D tsx`, then `npx tsx server.ts`');
  expect(text).toContain('`npm init -y` writes `"type": "commonjs"` into `package.json`: run `npm pkg set type=module`');
});

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
    // A folder of its own as the README sets it up: its package.json and tsconfig.json, the package
    // installed (a link to this repository, resolved through its exports map to dist/). The tsconfig
    // also keeps tsx from applying the repository's `paths` (which map the package name to lib/*.ts).
    if (block.lang === 'ts') {
      writeFileSync(join(dir, 'package.json'), JSON.stringify(PACKAGE));
      writeFileSync(join(dir, 'tsconfig.json'), tsconfig?.code ?? '');
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(root, join(dir, 'node_modules/passport-login-with-amazon'), 'dir');
    }
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
    const tsc = (): string => {
      try {
        return execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--listFiles'], { encoding: 'utf8', timeout: 60_000 });
      } catch (error) {
        throw new Error(`tsc failed: ${String((error as { stdout?: string }).stdout)}`);
      }
    };

    it('type-checks (strict) with the README\'s tsconfig.json, against the built declarations', () => {
      const listed = tsc();
      expect(listed).toContain(join(root, 'dist/index.d.ts'));
      // Every package the block imports has its types among the dev dependencies the README names.
      const imported = [...block.code.matchAll(/^import .* from '([^.][^']*)';$/gm)]
        .map(([, name = '']) => (name.startsWith('node:') ? 'node' : name)).filter((name) => name !== 'passport-login-with-amazon');
      expect(imported).toEqual(['node', 'express', 'passport']);
      expect(imported.map((name) => `@types/${name}`).filter((types) => !devDependencies.includes(types))).toEqual([]);
    }, 60_000);

    it('does not compile in the folder npm init -y leaves ("type": "commonjs"), as the README warns', () => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...PACKAGE, type: 'commonjs' }));
      try {
        expect(tsc).toThrow(/error TS1470|error TS1343/);
      } finally {
        writeFileSync(join(dir, 'package.json'), JSON.stringify(PACKAGE));
      }
    }, 60_000);
  }
});
