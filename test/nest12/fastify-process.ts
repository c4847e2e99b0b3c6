/**
 * `node --import tsx test/nest12/fastify-process.ts <module>`: the example module (a copy under
 * test/nest12, see ./example.ts) under NestJS 12 on Fastify, in a plain Node process, against the
 * fake Amazon on 127.0.0.1: a valid token, a forged one, Amazon down. Prints one JSON line.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createFakeAmazon } from 'passport-login-with-amazon/testing';
import type { Example } from './example.js';

const { AppModule } = (await import(process.argv[2] ?? '')) as Example;
const amazon = await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.fastifyprocess' });
const options = { clientID: amazon.clientID, ...amazon.endpoints, cache: false, retries: 0 };
const app = await NestFactory.create(AppModule.register(options), new FastifyAdapter());
app.useLogger(false);
await app.listen(0, '127.0.0.1');
const me = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/api/me`;
const call = async (token: string): Promise<unknown[]> => {
  const res = await fetch(me, { headers: { authorization: `Bearer ${token}` } });
  return [res.status, res.headers.get('www-authenticate'), await res.json()];
};
const ada = { user_id: 'amzn1.account.AFASTIFYPROCESS', name: 'Ada Lovelace' };
const signedIn = await call(amazon.issueToken(ada));
const forged = await call(amazon.issueToken(ada).replace('Atza|', 'Atza|X'));
amazon.fault('tokeninfo', { status: 500 });
const down = await call(amazon.issueToken(ada));
console.log(JSON.stringify({ node: process.versions.node, signedIn, forged, down }));
await app.close();
await amazon.close();
