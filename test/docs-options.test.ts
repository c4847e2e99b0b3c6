/**
 * The option tables of the guides (each marked `<!-- options-table: <exported type> -->`) cannot drift
 * from the code: a table names exactly the properties of the exported option type (read with the
 * TypeScript compiler from lib/index.ts), says "required" exactly for the properties that are not
 * optional, and documents each default that the exported defaults constants hold with that value.
 */
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
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

describe.each(TABLES)('the $type table of docs/$file.md', (table) => {
  const rows = optionsTable(doc(table.file), table.type);
  const nested: Record<string, { type: string; defaults: Record<string, unknown> }> = 'nested' in table ? table.nested : {};

  /** Every documented name with what the row says: [name, required, default] (nested ones as `cache.ttl`). */
  const documented = rows.flatMap((row) => row.names.map((name, i) => ({ name, required: row.defaults === 'required', value: documentedDefault(row.defaults, i, row.names.length) })));

  test('names every option of the type, and nothing else', () => {
    const expected = [...properties(table.type).keys()];
    for (const [parent, { type }] of Object.entries(nested)) expected.push(...[...properties(type).keys()].map((name) => `${parent}.${name}`));
    expect(documented.map((d) => d.name).sort()).toEqual(expected.sort());
  });

  test('says "required" exactly for the options the type requires', () => {
    const requiredByType = (name: string): boolean => {
      const [parent, child] = name.split('.');
      const props = child === undefined ? properties(table.type) : properties(nested[parent ?? '']?.type ?? '');
      return props.get(child ?? parent ?? '') === false;
    };
    expect(documented.map((d) => [d.name, d.required])).toEqual(documented.map((d) => [d.name, requiredByType(d.name)]));
  });

  test('documents each default the exported constants hold, with that value', () => {
    const expectedDefault = (name: string): unknown => {
      const [parent, child] = name.split('.');
      const defaults: Record<string, unknown> = child === undefined ? table.defaults : nested[parent ?? '']?.defaults ?? {};
      return defaults[child ?? parent ?? ''];
    };
    const checked = documented.filter((d) => expectedDefault(d.name) !== undefined);
    expect(checked.map((d) => [d.name, d.value])).toEqual(checked.map((d) => [d.name, expectedDefault(d.name)]));
  });
});

test('the table reader: names, escaped pipes, indented tables, several defaults in one cell', () => {
  const text = '<!-- options-table: T -->\n  | option | type | default | meaning |\n  |---|---|---|---|\n  | `a`, `b` | `1 \\| 2` | `false`, `[\'x\', \'y\']` | z |\n  | `c` | | required | |\n\n';
  expect(optionsTable(text, 'T')).toEqual([{ names: ['a', 'b'], defaults: "`false`, `['x', 'y']`" }, { names: ['c'], defaults: 'required' }]);
  expect(documentedDefault("`false`, `['x', 'y']`", 1, 2)).toEqual(['x', 'y']);
  expect(documentedDefault('`0` (off)', 0, 1)).toBe(0);
  expect(documentedDefault('from `region`', 0, 1)).toBe('region');
});
