// NestJS 12 on Express: the token strategy (./token-suite.ts; on Fastify: ./fastify/token.test.ts).
import { tokenSuite } from './token-suite.js';

tokenSuite('express');
