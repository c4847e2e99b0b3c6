/**
 * Every link in the documentation resolves, wherever it is read: on the registry's package page
 * (which shows README.md alone), on GitHub, or in node_modules/passport-login-with-amazon/.
 * - README.md links to anything but a heading of its own with an absolute URL: relative links would
 *   break on the registry page. A link into this repository must name a file or folder that exists,
 *   and a heading that exists in it.
 * - The guides (docs/) and the other shipped Markdown files may link relatively, but only to files
 *   the package ships (package.json "files"): anything else is a repository URL.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { docFiles, root } from './helpers/readme-blocks.js';

const REPOSITORY = 'https://github.com/passport-login-with-amazon/passport-login-with-amazon/';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text = ''] of withoutFences(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const plain = text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*_]/g, (c) => (c === '_' ? '_' : ''));
    const slug = plain.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${String(n)}`);
  }
  return result;
}

/** The text outside fenced blocks: a `#` line there is no heading. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^ *```[\s\S]*?^ *```$/gm, '');
}

/** The text outside fenced blocks and inline code: links there are not links. */
function withoutCode(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** Every `[text](target)` link (images included), with its target. */
export function links(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target);
}

/** Whether the package ships this repository path (package.json "files", plus package.json itself). */
function shipped(path: string): boolean {
  return path === 'package.json' || pkg.files.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

/** What is wrong with one link of `file` (a repository path), or undefined when it resolves. */
function problem(file: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#');
  let inRepo: string;
  if (path === '') {
    inRepo = file;
  } else if (/^[a-z]+:/i.test(path)) {
    if (!path.startsWith(REPOSITORY)) return /^(https|mailto):/.test(path) ? undefined : 'not https';
    const match = /^(?:blob|tree)\/main\/(.+)$/.exec(path.slice(REPOSITORY.length));
    if (!match) return path.slice(REPOSITORY.length).startsWith('security/') || path.slice(REPOSITORY.length) === 'issues' ? undefined : 'not a file on main';
    inRepo = normalize(match[1] ?? '');
  } else {
    if (file === 'README.md') return 'relative link in the README (the registry page shows it alone)';
    inRepo = normalize(join(dirname(file), path));
    if (!shipped(inRepo)) return `${inRepo} is not in the package: link to it on GitHub`;
  }
  if (inRepo.startsWith('..') || !existsSync(join(root, inRepo))) return `${inRepo} does not exist`;
  if (anchor === undefined) return undefined;
  if (statSync(join(root, inRepo)).isDirectory() || !inRepo.endsWith('.md')) return 'an anchor in a file that is not Markdown';
  return anchors(readFileSync(join(root, inRepo), 'utf8')).has(anchor) ? undefined : `no heading #${anchor} in ${inRepo}`;
}

describe('documentation links', () => {
  test('the guides are where the README says: docs/, every one shipped and linked from the README', () => {
    const guides = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(guides.filter((guide) => !readme.includes(`${REPOSITORY}blob/main/${guide})`))).toEqual([]);
    expect(guides.filter((guide) => !shipped(guide))).toEqual([]);
  });

  test.each(docFiles().map((file) => [relative(root, file)]))('every link of %s resolves', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const found = links(text);
    const broken = found.map((target) => [target, problem(file, target)]).filter(([, why]) => why !== undefined);
    expect(broken).toEqual([]);
  });

  test('the checker itself: a missing file, a missing heading, a relative link out of the package and a relative README link are refused', () => {
    expect(problem('docs/options.md', 'caching.md#no-such-heading')).toBe('no heading #no-such-heading in docs/caching.md');
    expect(problem('docs/options.md', 'nothing-here.md')).toBe('docs/nothing-here.md does not exist');
    expect(problem('docs/options.md', '../examples/express')).toBe('examples/express is not in the package: link to it on GitHub');
    expect(problem('README.md', 'docs/options.md')).toMatch(/relative link in the README/);
    expect(problem('README.md', `${REPOSITORY}blob/main/docs/nothing.md`)).toBe('docs/nothing.md does not exist');
    expect(problem('README.md', `${REPOSITORY}blob/main/docs/options.md#regions`)).toBeUndefined();
    expect(problem('docs/options.md', '#regions')).toBeUndefined();
    expect(anchors('# A `b` (c: d)\n## A `b` (c: d)\n```\n# not a heading\n```\n')).toEqual(new Set(['a-b-c-d', 'a-b-c-d-1']));
  });
});
