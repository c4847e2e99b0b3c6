// The guide "Frameworks" (docs/frameworks.md) names the versions this suite actually ran with.
import { readFileSync } from 'node:fs';
import { expect, test } from '@jest/globals';
import { doc } from '../helpers/readme-blocks.js';

/** The installed version (read from node_modules: not every package exports its package.json). */
const v = (name: string): string => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

test('the framework guide names the installed versions', () => {
  const text = doc('frameworks');
  expect(v('@nestjs/common')).toBe(v('@nestjs/core'));
  expect(v('@nestjs/platform-express')).toBe(v('@nestjs/core'));
  for (const expected of [
    `express ${v('express4')}, ${v('express')}`,
    `koa ${v('koa')}`,
    `@koa/router ${v('@koa/router')}`,
    `@koa/bodyparser ${v('@koa/bodyparser')}`,
    `koa-passport ${v('koa-passport')} (its own passport ${v('koa-passport/node_modules/passport')})`,
    `fastify ${v('fastify')}`,
    `@fastify/passport ${v('@fastify/passport')}`,
    `@fastify/secure-session ${v('@fastify/secure-session')}`,
    `@fastify/cookie\` to \`${v('@fastify/cookie')}\``,
    `@nestjs/core, common, platform-express ${v('@nestjs/core')}`,
    `@nestjs/passport ${v('@nestjs/passport')} (passport ${v('passport')})`,
    `NestJS ${v('@nestjs/core').split('.')[0] ?? ''} |`,
  ]) {
    expect(text).toContain(expected);
  }
});
