/**
 * Every code block of the documentation in JavaScript or TypeScript is checked, one way or another:
 *
 * - `<!-- runnable: name -->` and `<!-- scratch-app: name -->` blocks run in their own tests (here:
 *   each one of docs/ is claimed by a test that names it);
 * - every other ```ts block of docs/ is type-checked **as written**, against the library's sources,
 *   as a user's file would be: its imports and its own names, nothing declared for it;
 * - `<!-- fragment: reason -->` marks the rare block that cannot stand alone (the reason says why):
 *   it is type-checked with the names an app around it has (`verify`, `users`, `clientID`, …) declared;
 * - a ```js block of docs/ that is neither runnable nor a fragment is an error.
 *
 * README.md, SECURITY.md and CHANGELOG.md keep the older rule: their unmarked ```ts blocks are
 * type-checked with the app's names declared.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import ts from 'typescript';
import { docFiles, root } from './helpers/readme-blocks.js';

/** How a block is checked. */
type Claim = 'runnable' | 'scratch-app' | 'fragment' | 'as-written' | 'with-app-names';
interface Snippet { file: string; line: number; lang: string; code: string; claim: Claim; marker?: string }

const CODE = /^ *```(js|javascript|mjs|ts|typescript)$/;
const MARKER = /^ *<!-- (runnable|scratch-app|fragment): (.+?) -->$/;

/** The JavaScript and TypeScript blocks of a Markdown text, with their line numbers and how each is checked. */
export function codeBlocks(file: string, text: string): Snippet[] {
  const guide = file.startsWith('docs/');
  const found: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const lang = CODE.exec(lines[i] ?? '')?.[1];
    if (lang === undefined) continue;
    const end = lines.findIndex((line, j) => j > i && /^ *```$/.test(line));
    const indent = /^ */.exec(lines[i] ?? '')?.[0].length ?? 0;
    const code = lines.slice(i + 1, end).map((line) => line.slice(indent)).join('\n');
    const [, kind, marker] = MARKER.exec(lines[i - 1] ?? '') ?? [];
    const claim: Claim = kind === 'runnable' || kind === 'scratch-app' || kind === 'fragment' ? kind : guide ? 'as-written' : 'with-app-names';
    found.push({ file, line: i + 1, lang, code, claim, ...(marker === undefined ? {} : { marker }) });
    i = end;
  }
  return found;
}

/** The unmarked ```ts blocks (the older API of this file, kept for its checker test). */
export function snippets(file: string, text: string): Snippet[] {
  return codeBlocks(file, text).filter((s) => s.lang === 'ts' && (s.claim === 'as-written' || s.claim === 'with-app-names'));
}

/** Every name lib/index.ts exports (values and types). */
const LIBRARY_NAMES = [...readFileSync(join(root, 'lib/index.ts'), 'utf8').matchAll(/export (?:type )?\{([^}]*)\}/g)]
  .flatMap(([, list = '']) => list.split(',').map((item) => item.trim().split(/\s+as\s+/).at(-1)?.replace(/^type\s+/, '') ?? ''))
  .filter((name) => name !== '' && name !== 'default');

/** What an app around a fragment has that the fragment itself does not show. */
const APP_NAMES: Record<string, string> = {
  passport: "import passport from 'passport';",
  clientID: 'declare const clientID: string;',
  verify: "declare const verify: import('passport-login-with-amazon').VerifyFunction;",
  user: 'declare const user: { id: string };',
  users: "declare const users: { upsert(id: string, profile: import('passport-login-with-amazon').AmazonProfile): Promise<{ id: string }> };",
  sessionKey: 'declare const sessionKey: Buffer;',
  LWA_OPTIONS: 'declare const LWA_OPTIONS: symbol;',
};

/** The names a snippet binds itself: its imports and its top-level declarations. */
function bound(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, clause = ''] of code.matchAll(/^import\s+(?:type\s+)?([\s\S]*?)\s+from\s+'[^']+';/gm)) {
    for (const part of clause.replace(/[{}]/g, ',').split(',')) {
      const name = part.trim().replace(/^type\s+/, '').replace(/^\*\s+as\s+/, '').split(/\s+as\s+/).at(-1);
      if (name) names.add(name);
    }
  }
  for (const [, name = ''] of code.matchAll(/^(?:export\s+)?(?:const|let|class|function|interface|type)\s+(\w+)/gm)) names.add(name);
  return names;
}

/** A fragment as a module: the declarations of what it uses but does not bind, then the fragment. */
export function asModule(code: string): string {
  const own = bound(code);
  const uses = (name: string): boolean => !own.has(name) && new RegExp(`(?<![\\w.'])${name}\\b`).test(code);
  const fromLibrary = LIBRARY_NAMES.filter(uses);
  const prelude = [
    ...(fromLibrary.length > 0 ? [`import { ${fromLibrary.join(', ')} } from 'passport-login-with-amazon';`] : []),
    ...Object.entries(APP_NAMES).filter(([name]) => uses(name)).map(([, declaration]) => declaration),
  ];
  return `${prelude.join('\n')}\n${code}\nexport {};\n`;
}

/** A block as written: nothing declared for it. */
const asWritten = (code: string): string => `\n${code}\nexport {};\n`;

const all = docFiles().flatMap((file) => codeBlocks(relative(root, file), readFileSync(file, 'utf8')));
const guides = all.filter((s) => s.file.startsWith('docs/'));
const dir = mkdtempSync(join(root, '.docs-code-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

/** Type-checks the snippets as modules (a fragment with the app's names declared); the errors, each as `file:line: message`. */
function typecheck(list: Snippet[], name: string): string[] {
  const modules = list.map((s) => (s.claim === 'as-written' ? asWritten(s.code) : asModule(s.code)));
  const files = list.map((_snippet, i) => {
    const path = join(dir, `${name}-${String(i)}.mts`);
    writeFileSync(path, modules[i] ?? '');
    return path;
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { noEmit: true, types: ['node'] }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(files, config.options);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName)).map((d) => {
    const i = files.indexOf(d.file?.fileName ?? '');
    const snippet = list[i] ?? { file: '?', line: 0, code: '' };
    const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
    const prelude = (modules[i] ?? '').split('\n').length - snippet.code.split('\n').length - 2;
    return `${snippet.file}:${String(snippet.line + 1 + line - prelude)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

test('finds the documentation\'s code blocks (the guides have twenty)', () => {
  expect(guides.length).toBeGreaterThanOrEqual(20);
});

test('every TypeScript block of the guides compiles as written (imports included, no undefined names); fragments and the README\'s with the app\'s names', () => {
  expect(typecheck(all.filter((s) => s.lang === 'ts' && s.claim !== 'runnable' && s.claim !== 'scratch-app'), 'snippet')).toEqual([]);
}, 60_000);

test('every JavaScript block of the guides runs in a test (or is a fragment)', () => {
  expect(guides.filter((s) => s.lang !== 'ts' && s.claim === 'as-written').map((s) => `${s.file}:${String(s.line)}`)).toEqual([]);
});

/** Every test file's text, to find the one that runs a block. */
const TESTS = (function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(folder, entry.name))
    : entry.name.endsWith('.ts') ? [readFileSync(join(folder, entry.name), 'utf8')] : []));
})(join(root, 'test'));

test('every runnable block of the guides is run by a test that names it and its guide; every scratch-app guide is built by one', () => {
  const unclaimed = guides.filter((s) => s.claim === 'runnable' || s.claim === 'scratch-app').filter((s) => {
    const guide = s.file.replace(/^docs\/|\.md$/g, '');
    const claimedBy = s.claim === 'runnable' ? `'${s.marker ?? ''}'` : `markedBlocks('scratch-app', doc('${guide}'))`;
    return !TESTS.some((text) => text.includes(claimedBy) && text.includes(`'${guide}'`));
  });
  expect(unclaimed.map((s) => `${s.file}:${String(s.line)} ${s.marker ?? ''}`)).toEqual([]);
});

test('fragments are rare and each says why', () => {
  const fragments = guides.filter((s) => s.claim === 'fragment');
  expect(fragments.length).toBeLessThanOrEqual(3); // today one: the NestJS block, being rewritten for NestJS 12
  for (const { marker = '' } of fragments) expect(marker.length).toBeGreaterThanOrEqual(20);
});

test('the checker itself: an option that does not exist fails; an undefined name fails as written but not as a fragment', () => {
  const errors = typecheck([
    { file: 'docs/x.md', line: 10, lang: 'ts', claim: 'with-app-names', code: "new LoginWithAmazonStrategy({ clientID, tokenSource: ['header'] }, verify);" },
    { file: 'docs/y.md', line: 3, lang: 'ts', claim: 'as-written', code: "import { LoginWithAmazonStrategy } from 'passport-login-with-amazon';\nnew LoginWithAmazonStrategy({ clientID: 'c' }, verify);" },
    { file: 'docs/z.md', line: 3, lang: 'ts', claim: 'fragment', code: "new LoginWithAmazonStrategy({ clientID: 'c' }, verify);" },
  ], 'checker');
  expect(errors).toEqual([
    expect.stringMatching(/^docs\/x\.md:11: .*'tokenSource' does not exist/),
    expect.stringMatching(/^docs\/y\.md:5: Cannot find name 'verify'/),
  ]);
  expect(asModule("new LoginWithAmazonStrategy({ clientID }, verify);")).toContain("import { LoginWithAmazonStrategy } from 'passport-login-with-amazon';");
  expect(asModule("import passport from 'passport';\npassport.use(x);")).not.toContain("import passport from 'passport';\nimport passport");
  const text = '<!-- runnable: a.mjs -->\n```ts\nrun\n```\n```ts\ncheck\n```\n  <!-- fragment: shown inside a list item -->\n  ```js\n  x\n  ```\n```js\ny\n```\n';
  expect(codeBlocks('docs/x.md', text).map(({ line, lang, code, claim, marker }) => ({ line, lang, code, claim, marker }))).toEqual([
    { line: 2, lang: 'ts', code: 'run', claim: 'runnable', marker: 'a.mjs' },
    { line: 5, lang: 'ts', code: 'check', claim: 'as-written', marker: undefined },
    { line: 9, lang: 'js', code: 'x', claim: 'fragment', marker: 'shown inside a list item' },
    { line: 12, lang: 'js', code: 'y', claim: 'as-written', marker: undefined },
  ]);
  expect(codeBlocks('README.md', '```ts\nz\n```\n')[0]?.claim).toBe('with-app-names');
}, 60_000);
