/**
 * The NestJS section of docs/frameworks.md is code that runs: each block marked
 * `<!-- file: <path> -->` is that file of the repository, byte for byte, and those files run under
 * NestJS 11 (test/frameworks/nestjs.test.ts) and NestJS 12 on Express and Fastify (test/nest12/).
 * The versions the guide names for NestJS 12 are those test/nest12's lock installs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { doc, markedBlocks, root } from '../helpers/readme-blocks.js';

const guide = doc('frameworks');

test('the guide\'s NestJS blocks are the example module and the Fastify website guard, as the tests run them', () => {
  const blocks = markedBlocks('file', guide);
  expect(blocks.map((b) => [b.name, b.lang])).toEqual([['examples/nestjs/app.module.ts', 'ts'], ['test/nest12/website-guard.ts', 'ts']]);
  for (const block of blocks) expect(block.code).toBe(readFileSync(join(root, block.name), 'utf8'));
});

test('the guide names the NestJS 12 versions test/nest12 installs', () => {
  const lock = JSON.parse(readFileSync(join(root, 'test/nest12/package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const v = (name: string): string => lock.packages[`node_modules/${name}`]?.version ?? 'missing';
  for (const name of ['@nestjs/common', '@nestjs/platform-express', '@nestjs/platform-fastify']) expect(v(name)).toBe(v('@nestjs/core'));
  expect(v('@nestjs/core')).toMatch(/^12\./);
  expect(guide).toContain(`| NestJS 12 (Node 22 and later) | @nestjs/core, common, platform-express, platform-fastify ${v('@nestjs/core')} | @nestjs/passport ${v('@nestjs/passport')} (passport ${v('passport')}) |`);
});
