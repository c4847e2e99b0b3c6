// `npm run example`: the Express example on an embedded fake Login with Amazon, or on the real
// one when LWA_CLIENT_ID is set. PORT picks the port (default 3000).
import { DEMO_PROFILE } from './app.js';
import { startExample } from './start.js';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('PORT must be an integer from 0 to 65535');
  process.exit(1);
}

const clientID = process.env.LWA_CLIENT_ID === '' ? undefined : process.env.LWA_CLIENT_ID;
const example = await startExample({ port, clientID }).catch((error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(inUse ? `Port ${String(port)} is in use; try PORT=3001 npm run example` : error);
  process.exit(1);
});

console.log(`Express example listening on ${example.url}`);
if (example.fake) {
  const token = example.fake.issueToken(DEMO_PROFILE, { scopes: ['profile'], expiresIn: 3600 });
  console.log('Demo mode: an embedded fake Login with Amazon issues the tokens (set LWA_CLIENT_ID for the real one).');
  console.log(`Open ${example.url}/ and press "Sign in (demo)", or try the API (demo token, valid for one hour):`);
  console.log(`  curl -H 'Authorization: Bearer ${token}' ${example.url}/api/me`);
  console.log(`Or press "Sign in with Amazon" for the website sign-in (code grant) through the fake's consent page.`);
  console.log(`Sign in from a mobile app (a script stands in for it): npx tsx examples/express/mobile-app.ts ${example.url}`);
} else {
  console.log(`Open ${example.url}/ (add it to your security profile's allowed origins) and press "Sign in with Amazon".`);
}
console.log('Press Ctrl+C to stop.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.close().then(() => process.exit(0));
  });
}
