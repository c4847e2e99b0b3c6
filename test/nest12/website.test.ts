// NestJS 12 on Express: the website strategy (./website-suite.ts; on Fastify: ./fastify/website.test.ts).
import { websiteSuite } from './website-suite.js';

websiteSuite('express');
