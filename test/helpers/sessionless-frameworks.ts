/** The five framework set-ups a website sign-in runs on without session middleware, with the status a refused callback gets. */
import type { FakeAmazon } from '../../lib/testing/index.js';
import { startExpress, startFastify, startKoa, type FrameworkOptions, type RunningApp } from './code-grant-frameworks.js';
import { startNest } from './code-grant-nest.js';

/** Name, start, and the status a refused callback gets (Nest's AuthGuard answers a fail() with 401; the others redirect to /login). */
export const SESSIONLESS_FRAMEWORKS: [string, (a: FakeAmazon, o: FrameworkOptions) => Promise<RunningApp>, number][] = [
  ['Express 4', (a, o) => startExpress(a, 4, o), 302],
  ['Express 5', (a, o) => startExpress(a, 5, o), 302],
  ['Koa (koa-passport)', startKoa, 302],
  ['Fastify (@fastify/passport + fastifyReplyHook)', startFastify, 302],
  ['NestJS (AuthGuard)', startNest, 401],
];
