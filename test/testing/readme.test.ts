import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import { doc, markedBlocks } from '../helpers/readme-blocks.js';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

it('shows test/fixtures/readme-testing-example.ts verbatim as the "Testing your app" test/me.test.ts', () => {
  const blocks = markedBlocks('scratch-app', doc('testing-your-app'));
  const block = blocks.find((b) => b.name === 'test/me.test.ts');
  const file = read('test/fixtures/readme-testing-example.ts').split('\n').slice(1).join('\n');
  expect(block?.code).toBe(file);
});

it('gives exactly the one command of the demo, in a clone of the repository', () => {
  const demo = doc('testing-your-app').split('## Try it: the demo')[1] ?? '';
  const commands = [...demo.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  expect(commands).toEqual(['npm ci && npm run example']);
  expect(demo).toContain('git clone https://github.com/passport-login-with-amazon/passport-login-with-amazon');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(pkg.scripts.example).toMatch(/examples\/express\/server\.ts/);
});
