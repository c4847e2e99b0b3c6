// NestJS 12 on Fastify: the token strategy (../token-suite.ts). Node 24.9 and later only (jest.config.js): jest
// loads @nestjs/platform-fastify's require() of an ES module (path-to-regexp 9) from there on.
import { tokenSuite } from '../token-suite.js';

tokenSuite('fastify');
