// NestJS 12 on Fastify: the website strategy (../website-suite.ts). Node 24.9 and later only (jest.config.js): jest
// loads @nestjs/platform-fastify's require() of an ES module (path-to-regexp 9) from there on.
import { websiteSuite } from '../website-suite.js';

websiteSuite('fastify');
