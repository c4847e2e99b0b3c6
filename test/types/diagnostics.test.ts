/**
 * The compiler's first word on a common mistake points the right way, with TypeScript 6 (this
 * repository's) and 7 (what `npm install -D typescript` installs today, which reports a failed
 * overloaded call against its last overload): a missing required option is named before
 * `passReqToCallback`, and an optional option given an optional env value (`string | undefined`)
 * compiles under `exactOptionalPropertyTypes` (on in TypeScript 7's `tsc --init`).
 * The snippets import the package by name (exports map -> dist/*.d.ts), as an app does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const COMPILERS = { 'TypeScript 6': 'node_modules/typescript/bin/tsc', 'TypeScript 7': 'node_modules/typescript7/bin/tsc' } as const;

/** One snippet a line: `[name, code, property the first error must name (undefined: no error)]`. */
const SNIPPETS: readonly (readonly [string, string, string | undefined])[] = [
  ['token strategy without clientID', "new LoginWithAmazonStrategy({ tokenInfoURL: 'https://api.amazon.com/auth/o2/tokeninfo' }, async (_a, _r, profile) => profile);", 'clientID'],
  ['website strategy without clientSecret', "new LoginWithAmazonOAuth2Strategy({ clientID: 'a', callbackURL: 'https://a.example/cb' }, async (_a, _r, profile) => profile);", 'clientSecret'],
  ['website strategy without clientID', "new LoginWithAmazonOAuth2Strategy({ clientSecret: 's', callbackURL: 'https://a.example/cb' }, async (_a, _r, profile) => profile);", 'clientID'],
  ['website strategy without callbackURL', "new LoginWithAmazonOAuth2Strategy({ clientID: 'a', clientSecret: 's' }, async (_a, _r, profile) => profile);", 'callbackURL'],
  ['app-code strategy without redirectURIs', "new LoginWithAmazonCodeExchangeStrategy({ clientID: 'a' }, async (_a, _r, profile) => profile);", 'redirectURIs'],
  ['app-code strategy without clientID', "new LoginWithAmazonCodeExchangeStrategy({ redirectURIs: ['amzn://com.example.shop'] }, async (_a, _r, profile) => profile);", 'clientID'],
  ['app-code strategy with optional env values', [
    "new LoginWithAmazonCodeExchangeStrategy({ clientID: 'a', redirectURIs: ['amzn://com.example.shop'], clientSecret: env.A, tokenURL: env.B,",
    '  profileURL: env.C, name: env.D }, async (_a, _r, profile) => profile);',
  ].join('\n'), undefined],
  ['token strategy with optional env values', [
    'new LoginWithAmazonStrategy({ clientID: \'a\', tokenInfoURL: env.A, profileURL: env.B, realm: env.C, name: env.D, appID: env.E,',
    '  accessTokenField: env.F, cache: { prefix: env.G, secret: env.H } }, async (_a, _r, profile) => profile);',
  ].join('\n'), undefined],
  ['website strategy with optional env values', [
    'new LoginWithAmazonOAuth2Strategy({ clientID: \'a\', clientSecret: \'s\', callbackURL: \'https://a.example/cb\', authorizationURL: env.A,',
    '  tokenURL: env.B, profileURL: env.C, name: env.D }, async (_a, _r, profile) => profile);',
  ].join('\n'), undefined],
];

const HEADER = [
  "import { LoginWithAmazonCodeExchangeStrategy, LoginWithAmazonOAuth2Strategy, LoginWithAmazonStrategy } from 'passport-login-with-amazon';",
  'const env: Record<string, string | undefined> = process.env;',
  '',
].join('\n');

const TSCONFIG = {
  compilerOptions: {
    strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, target: 'ES2022',
    module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], skipLibCheck: true, noEmit: true,
  },
  include: ['*.ts'],
};

let dir: string;
beforeAll(() => {
  // Inside the repository, so that the package resolves by its own name (self-reference) to dist/.
  dir = mkdtempSync(join(root, '.types-diagnostics-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  SNIPPETS.forEach(([, code], i) => { writeFileSync(join(dir, `snippet${String(i)}.ts`), `${HEADER}${code}\n`); });
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** Each snippet's diagnostics, as tsc prints them (a diagnostic and its indented lines). */
async function diagnostics(compiler: string): Promise<Map<number, string>> {
  const { stdout } = await run(process.execPath, [join(root, compiler), '-p', dir, '--pretty', 'false'], { cwd: dir, timeout: 120_000 })
    .catch((error: unknown) => ({ stdout: (error as { stdout?: string }).stdout ?? '' }));
  const bySnippet = new Map<number, string>();
  let current = -1;
  for (const line of stdout.split('\n')) {
    const match = /^snippet(\d+)\.ts\(/.exec(line);
    if (match) current = Number(match[1]);
    else if (!line.startsWith(' ')) current = -1;
    if (current >= 0) bySnippet.set(current, `${bySnippet.get(current) ?? ''}${line}\n`);
  }
  return bySnippet;
}

describe.each(Object.entries(COMPILERS))('%s', (_name, compiler) => {
  let found: Map<number, string>;
  beforeAll(async () => { found = await diagnostics(compiler); }, 120_000);

  test.each(SNIPPETS.map(([name, , property], i) => [name, property === undefined ? 'it compiles' : `the first error names ${property}`, property, i] as const))('%s: %s', (_snippet, _expectation, property, i) => {
    const text = found.get(i) ?? '';
    // Where the property is missing, it is named before passReqToCallback (if that is named at all).
    const named = property === undefined ? text : text.slice(0, text.indexOf(`'${property}'`) + 1);
    expect({ errors: text === '' ? 'none' : 'some', namedFirst: !named.includes('passReqToCallback') && (property === undefined || text.includes(`'${property}'`)) })
      .toEqual({ errors: property === undefined ? 'none' : 'some', namedFirst: true });
  });
});
