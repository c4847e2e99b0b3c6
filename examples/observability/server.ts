// `npm run example:observability`: the observed API on an embedded fake Login with Amazon (or the
// real one with LWA_CLIENT_ID), Prometheus metrics on /metrics. PORT picks the port (default 3000);
// PRINT_SPANS=1 prints every span.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createFakeAmazon } from 'passport-login-with-amazon/testing';
import { startTelemetry } from './telemetry.js';

// Telemetry first, then the app (as with any OpenTelemetry setup).
const telemetry = startTelemetry({ printSpans: process.env.PRINT_SPANS === '1' });
const { createApp } = await import('./app.js');

const port = Number(process.env.PORT ?? 3000);
const clientID = process.env.LWA_CLIENT_ID === '' ? undefined : process.env.LWA_CLIENT_ID;
const fake = clientID ? undefined : await createFakeAmazon({ clientID: 'amzn1.application-oa2-client.demo' });
const app = createApp(fake ? { telemetry, fake } : { telemetry, clientID: clientID ?? '' });
const server = app.listen(port, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
console.log(`Observed API listening on ${url}`);
console.log(`  metrics: curl ${url}/metrics`);
if (fake) console.log(`  a demo token: curl -X POST ${url}/demo/token`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => { void Promise.all([telemetry.shutdown(), fake?.close()]).then(() => process.exit(0)); });
  });
}
