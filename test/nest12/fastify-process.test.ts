/**
 * NestJS 12 on Fastify on Node 22, outside jest: jest loads @nestjs/platform-fastify only from Node
 * 24.9 (test/nest12/fastify/), Node itself from 22 (its require() of an ES module). jest.config.js
 * runs this file where it does not run test/nest12/fastify/. ./fastify-process.ts runs the example
 * module in a plain `node --import tsx` process.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from '@jest/globals';
import { copyExample } from './example.js';

const { file, remove } = copyExample();
afterAll(remove);

test(`examples/nestjs on NestJS 12 and Fastify in a plain Node ${process.versions.node} process: 200, 401 with the challenge, 502`, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fastify-process.ts'), file], {
    env: { ...process.env, NODE_OPTIONS: '', TSX_TSCONFIG_PATH: join(dirname(file), 'tsconfig.json') },
    timeout: 30_000,
  });
  // Nest logs its start before useLogger(false) takes over: the result is the last line.
  expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
    node: process.versions.node,
    signedIn: [200, null, { provider: 'amazon', id: 'amzn1.account.AFASTIFYPROCESS', displayName: 'Ada Lovelace' }],
    forged: [401, expect.stringMatching(/^Bearer realm="Users", error="invalid_token"/), { statusCode: 401, message: 'Unauthorized' }],
    down: [502, null, { statusCode: 502, error: 'LWA_UPSTREAM_STATUS', message: 'tokeninfo answered an unexpected HTTP status' }],
  });
}, 40_000);
