// `npx tsx examples/nestjs/server.ts`: the NestJS example on an embedded fake Login with Amazon,
// or on the real one when LWA_CLIENT_ID is set. PORT picks the port (default 3000).
import { NestFactory } from '@nestjs/core';
import { createFakeAmazon } from 'passport-login-with-amazon/testing';
import { AppModule } from './app.module.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('PORT must be an integer from 0 to 65535');
  process.exit(1);
}

const clientID = process.env.LWA_CLIENT_ID === '' ? undefined : process.env.LWA_CLIENT_ID;
const fake = clientID ? undefined : await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.demo' });
const app = await NestFactory.create(AppModule.register(fake ? { clientID: fake.clientID, ...fake.endpoints } : { clientID: clientID as string }));
await app.listen(port, '127.0.0.1').catch(async (error: unknown) => {
  console.error(error);
  await fake?.close();
  process.exit(1);
});

const url = await app.getUrl();
console.log(`NestJS example listening on ${url}`);
if (fake) {
  const token = fake.issueToken({ user_id: 'amzn1.account.DEMO0ADA0LOVELACE', name: 'Ada Lovelace', email: 'ada@example.com' });
  console.log('Demo mode: an embedded fake Login with Amazon issues the token (set LWA_CLIENT_ID for the real one):');
  console.log(`  curl -H 'Authorization: Bearer ${token}' ${url}/api/me`);
}
console.log('Press Ctrl+C to stop.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => fake?.close()).then(() => process.exit(0));
  });
}
