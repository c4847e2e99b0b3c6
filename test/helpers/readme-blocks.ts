/**
 * The documentation as a user reads it (README.md and the guides in docs/), and the code blocks of it
 * that tests run: each marked `<!-- <kind>: <name> -->` on the line before its fence.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One marked block: the name from its marker, the fence's language and the code (ending in a newline). */
export interface MarkedBlock {
  name: string;
  lang: string;
  code: string;
}

/** The repository's root folder. */
export const root = new URL('../..', import.meta.url).pathname;

/** The README as a user reads it. */
export const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** A guide: `doc('website')` is docs/website.md. */
export function doc(name: string): string {
  return readFileSync(join(root, 'docs', `${name}.md`), 'utf8');
}

/** Every shipped Markdown file: README.md, SECURITY.md, CHANGELOG.md and the guides (absolute paths). */
export function docFiles(): string[] {
  const guides = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), join(root, 'SECURITY.md'), join(root, 'CHANGELOG.md'), ...guides];
}

/** Every block marked `<!-- kind: name -->`; throws when a marker does not stand right before a fence. */
export function markedBlocks(kind: string, text = readme): MarkedBlock[] {
  const fence = new RegExp(`<!-- ${kind}: ([\\w./-]+) -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\\n\`\`\`\\n`, 'g');
  const blocks = [...text.matchAll(fence)].map(([, name = '', lang = '', code = '']) => ({ name, lang, code: `${code}\n` }));
  const markers = text.split(`<!-- ${kind}:`).length - 1;
  if (blocks.length !== markers) throw new Error(`a <!-- ${kind}: … --> marker does not stand right before a fenced block`);
  return blocks;
}

/** The text between `start` (included) and the next `end` after it (excluded); throws when either is missing. */
export function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) throw new Error(`no "${start}" … "${end}" in the text`);
  return text.slice(from, to);
}
