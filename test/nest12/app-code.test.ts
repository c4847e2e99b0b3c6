// NestJS 12 on Express: the app-code strategy (./app-code-suite.ts; on Fastify: ./fastify/app-code.test.ts).
import { appCodeSuite } from './app-code-suite.js';

appCodeSuite('express');
