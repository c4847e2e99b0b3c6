/**
 * Every TypeScript block of the documentation compiles. The runnable ones (`<!-- runnable: … -->`,
 * `<!-- scratch-app: … -->`) are run by their own tests; every other ```ts block of README.md and
 * docs/ is type-checked here against the library's sources, as a user's file would be: the names a
 * snippet uses without defining them (the library's exports, `passport`, and the app's own `verify`,
 * `users`, `clientID`, …) are declared first, so a snippet that drifts from the API fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import ts from 'typescript';
import { docFiles, root } from './helpers/readme-blocks.js';

interface Snippet { file: string; line: number; code: string }

/** The ```ts blocks of a Markdown text that no runnable marker claims, with their line numbers. */
export function snippets(file: string, text: string): Snippet[] {
  const found: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^ *```ts$/.test(lines[i] ?? '')) continue;
    const end = lines.findIndex((line, j) => j > i && /^ *```$/.test(line));
    const marked = /^<!-- (runnable|scratch-app): /.test(lines[i - 1] ?? '');
    if (!marked) found.push({ file, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

/** Every name lib/index.ts exports (values and types). */
const LIBRARY_NAMES = [...readFileSync(join(root, 'lib/index.ts'), 'utf8').matchAll(/export (?:type )?\{([^}]*)\}/g)]
  .flatMap(([, list = '']) => list.split(',').map((item) => item.trim().split(/\s+as\s+/).at(-1)?.replace(/^type\s+/, '') ?? ''))
  .filter((name) => name !== '' && name !== 'default');

/** What an app around a snippet has that the snippet itself does not show. */
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

/** The snippet as a module: the declarations of what it uses but does not bind, then the snippet. */
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

const all = docFiles().flatMap((file) => snippets(relative(root, file), readFileSync(file, 'utf8')));
const dir = mkdtempSync(join(root, '.docs-code-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

test('finds the documentation\'s TypeScript snippets (the guides have a dozen)', () => {
  expect(all.length).toBeGreaterThanOrEqual(12);
});

/** Type-checks the snippets as modules; the errors, each as `file:line: message`. */
function typecheck(list: Snippet[], name: string): string[] {
  const files = list.map((snippet, i) => {
    const path = join(dir, `${name}-${String(i)}.mts`);
    writeFileSync(path, asModule(snippet.code));
    return path;
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { noEmit: true, types: ['node'] }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(files, config.options);
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.includes(d.file.fileName)).map((d) => {
    const snippet = list[files.indexOf(d.file?.fileName ?? '')] ?? { file: '?', line: 0, code: '' };
    const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
    const prelude = asModule(snippet.code).split('\n').length - snippet.code.split('\n').length - 2;
    return `${snippet.file}:${String(snippet.line + 1 + line - prelude)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

test('every TypeScript snippet of the documentation compiles against the library', () => {
  expect(typecheck(all, 'snippet')).toEqual([]);
}, 60_000);

test('the checker itself: a snippet using an option that does not exist fails, and what it uses is declared', () => {
  const wrong = typecheck([{ file: 'docs/x.md', line: 10, code: "new LoginWithAmazonStrategy({ clientID, tokenSource: ['header'] }, verify);" }], 'wrong');
  expect(wrong).toHaveLength(1);
  expect(wrong[0]).toMatch(/^docs\/x\.md:11: .*'tokenSource' does not exist/);
  expect(asModule("new LoginWithAmazonStrategy({ clientID }, verify);")).toContain("import { LoginWithAmazonStrategy } from 'passport-login-with-amazon';");
  expect(asModule("import passport from 'passport';\npassport.use(x);")).not.toContain("import passport from 'passport';\nimport passport");
  expect(snippets('x.md', '<!-- runnable: a.mjs -->\n```ts\nrun\n```\n```ts\ncheck\n```\n')).toEqual([{ file: 'x.md', line: 5, code: 'check' }]);
});
