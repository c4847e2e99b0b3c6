import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

function section(readme: string, name: string): string {
  const start = readme.indexOf(`<!-- section:${name} `);
  const end = readme.indexOf(`<!-- /section:${name} -->`);
  expect(start).toBeGreaterThanOrEqual(0);
  return readme.slice(start, end);
}

it('shows test/testing/readme-example.test.ts verbatim as the "Testing your app" example', () => {
  const block = /```ts\n([\s\S]*?)\n```/.exec(section(read('README.md'), 'testing'))?.[1];
  const file = read('test/testing/readme-example.test.ts').split('\n').slice(1).join('\n').trimEnd();
  expect(block).toBe(file);
});

it('gives exactly the two set-up commands of the demo', () => {
  const demo = section(read('README.md'), 'demo');
  const commands = [...demo.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]);
  expect(commands).toEqual(['npm ci && npm run example', 'npm ci && npm test']);
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(pkg.scripts.example).toMatch(/examples\/express\/server\.ts/);
});
