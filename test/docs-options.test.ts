/**
 * The option tables of the guides (each marked `<!-- options-table: <exported type> -->`) cannot drift
 * from the code: a table names exactly the properties of the exported option type (read with the
 * TypeScript compiler from lib/index.ts), says "required" exactly for the properties that are not
 * optional, and documents each default that the exported defaults constants hold with that value.
 */
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import ts from 'typescript';
import { CACHE_DEFAULTS, CODE_EXCHANGE_DEFAULTS, DEFAULTS, OAUTH2_DEFAULTS } from '../lib/index.js';
import { doc, root } from './helpers/readme-blocks.js';

interface Row { names: string[]; defaults: string }

/** The rows of the table right after `<!-- options-table: type -->` in `text` (indented tables too). */
export function optionsTable(text: string, type: string): Row[] {
  const start = text.indexOf(`<!-- options-table: ${type} -->\n`);
  if (start < 0) throw new Error(`no options table for ${type}`);
  const lines = text.slice(start).split('\n').slice(1);
  const end = lines.findIndex((line) => !line.trimStart().startsWith('|'));
  return lines.slice(2, end).map((line) => {
    const cells = line.trim().slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
    return { names: [...(cells[0] ?? '').matchAll(/`([\w.]+)`/g)].map(([, name = '']) => name), defaults: cells[2] ?? '' };
  });
}

/** A default cell's value for the `index`-th of `count` names: its backticked literal, parsed, or undefined. */
export function documentedDefault(cell: string, index: number, count: number): unknown {
  const parts = count > 1 ? cell.split(/,\s*(?![^[]*\])/) : [cell];
  const literal = /`([^`]+)`/.exec(parts.length === count ? (parts[index] ?? '') : cell)?.[1];
  if (literal === undefined) return undefined;
  try {
    return JSON.parse(literal.replace(/'([^']*)'/g, (_, s: string) => JSON.stringify(s)));
  } catch {
    return literal;
  }
}

const program = ts.createProgram([join(root, 'lib/index.ts')], {
  strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true,
});
const checker = program.getTypeChecker();
const indexFile = program.getSourceFile(join(root, 'lib/index.ts'));
const entry = indexFile && checker.getSymbolAtLocation(indexFile);

/** The properties of an exported type: name → whether it is optional. */
function properties(typeName: string): Map<string, boolean> {
  if (!entry) throw new Error('the TypeScript compiler did not load lib/index.ts');
  const exported = checker.getExportsOfModule(entry).find((symbol) => symbol.name === typeName);
  if (!exported) throw new Error(`lib/index.ts exports no ${typeName}`);
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  return new Map(checker.getPropertiesOfType(type).map((p) => [p.name, (p.flags & ts.SymbolFlags.Optional) !== 0]));
}

const TABLES = [
  { file: 'options', type: 'LoginWithAmazonStrategyOptions', defaults: { ...DEFAULTS, passReqToCallback: false, profile: true }, nested: { cache: { type: 'CacheOptions', defaults: CACHE_DEFAULTS } } },
  { file: 'options', type: 'LoginWithAmazonOAuth2Options', defaults: { ...OAUTH2_DEFAULTS, passReqToCallback: false } },
  { file: 'options', type: 'LoginWithAmazonCodeExchangeOptions', defaults: { ...CODE_EXCHANGE_DEFAULTS, passReqToCallback: false } },
  { file: 'website', type: 'CookieStateStoreOptions', defaults: {} },
] as const;

type Table = (typeof TABLES)[number];

/** What is wrong with `table`'s options table in `text`: missing or extra options, wrong "required", wrong defaults. */
export function problems(text: string, table: Table): string[] {
  const nested: Record<string, { type: string; defaults: Record<string, unknown> }> = 'nested' in table ? table.nested : {};
  const documented = optionsTable(text, table.type).flatMap((row) => row.names.map((name, i) => ({ name, required: row.defaults === 'required', value: documentedDefault(row.defaults, i, row.names.length) })));
  const typeOf = (name: string): { props: Map<string, boolean>; key: string; defaults: Record<string, unknown> } => {
    const [parent = '', child] = name.split('.');
    if (child === undefined) return { props: properties(table.type), key: parent, defaults: table.defaults };
    return { props: properties(nested[parent]?.type ?? table.type), key: child, defaults: nested[parent]?.defaults ?? {} };
  };
  const expected = [...properties(table.type).keys()];
  for (const [parent, { type }] of Object.entries(nested)) expected.push(...[...properties(type).keys()].map((name) => `${parent}.${name}`));
  const names = documented.map((d) => d.name);
  const found: string[] = [
    ...expected.filter((name) => !names.includes(name)).map((name) => `${name}: not documented`),
    ...names.filter((name) => !expected.includes(name)).map((name) => `${name}: not an option of ${table.type}`),
  ];
  for (const { name, required, value } of documented) {
    const { props, key, defaults } = typeOf(name);
    if (props.has(key) && required !== (props.get(key) === false)) found.push(`${name}: ${required ? '"required" but optional' : 'required but not "required"'}`);
    if (defaults[key] !== undefined && JSON.stringify(value) !== JSON.stringify(defaults[key])) found.push(`${name}: default ${JSON.stringify(value)}, the code's is ${JSON.stringify(defaults[key])}`);
  }
  return found;
}

test.each(TABLES)('the $type table of docs/$file.md names every option of the type and nothing else, "required" exactly for the required ones, and the defaults the exported constants hold', (table) => {
  expect(problems(doc(table.file), table)).toEqual([]);
});

test('the checker itself: a missing row, a wrong "required" and a wrong default are each found', () => {
  const [token, website, appCode] = TABLES;
  const text = doc('options')
    .replace(/^\| `cache\.prefix` .*\n/m, '')
    .replace('| `600000` |', '| `600001` |')
    .replace("| `clientSecret` | `string` | none |", "| `clientSecret` | `string` | required |");
  expect(problems(text, token)).toEqual(['cache.prefix: not documented']);
  expect(problems(text, website)).toEqual(['stateTTL: default 600001, the code\'s is 600000']);
  expect(problems(text, appCode)).toEqual(['clientSecret: "required" but optional']);
});

test('the table reader: names, escaped pipes, indented tables, several defaults in one cell', () => {
  const text = '<!-- options-table: T -->\n  | option | type | default | meaning |\n  |---|---|---|---|\n  | `a`, `b` | `1 \\| 2` | `false`, `[\'x\', \'y\']` | z |\n  | `c` | | required | |\n\n';
  expect(optionsTable(text, 'T')).toEqual([{ names: ['a', 'b'], defaults: "`false`, `['x', 'y']`" }, { names: ['c'], defaults: 'required' }]);
  expect(documentedDefault("`false`, `['x', 'y']`", 1, 2)).toEqual(['x', 'y']);
  expect(documentedDefault('`0` (off)', 0, 1)).toBe(0);
  expect(documentedDefault('from `region`', 0, 1)).toBe('region');
});
