import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import { markedBlocks } from '../helpers/readme-blocks.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

function section(readme: string, name: string): string {
  const start = readme.indexOf(`<!-- section:${name} `);
  const end = readme.indexOf(`<!-- /section:${name} -->`);
  expect(start).toBeGreaterThanOrEqual(0);
  return readme.slice(start, end);
}

it('shows test/fixtures/readme-testing-example.ts verbatim as the "Testing your app" test/me.test.ts', () => {
  const blocks = markedBlocks('scratch-app', section(read('README.md'), 'testing'));
  const block = blocks.find((b) => b.name === 'test/me.test.ts');
  const file = read('test/fixtures/readme-testing-example.ts').split('\n').slice(1).join('\n');
  expect(block?.code).toBe(file);
});

it('gives exactly the two set-up commands of the demo', () => {
  const demo = section(read('README.md'), 'demo');
  const commands = [...demo.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  expect(commands).toEqual(['npm ci && npm run example', 'npm ci && npm test']);
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(pkg.scripts.example).toMatch(/examples\/express\/server\.ts/);
});
