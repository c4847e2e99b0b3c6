/** Code blocks of the README that tests run: each marked `<!-- <kind>: <name> -->` on the line before its fence. */
import { readFileSync } from 'node:fs';

/** One marked block: the name from its marker, the fence's language and the code (ending in a newline). */
export interface MarkedBlock {
  name: string;
  lang: string;
  code: string;
}

/** The README as a user reads it. */
export const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Every block marked `<!-- kind: name -->`; throws when a marker does not stand right before a fence. */
export function markedBlocks(kind: string, text = readme): MarkedBlock[] {
  const fence = new RegExp(`<!-- ${kind}: ([\\w./-]+) -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\\n\`\`\`\\n`, 'g');
  const blocks = [...text.matchAll(fence)].map(([, name = '', lang = '', code = '']) => ({ name, lang, code: `${code}\n` }));
  const markers = text.split(`<!-- ${kind}:`).length - 1;
  if (blocks.length !== markers) throw new Error(`a <!-- ${kind}: … --> marker does not stand right before a fenced block`);
  return blocks;
}
