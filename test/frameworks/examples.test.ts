// `npx tsx examples/<framework>/server.ts` as a user runs it: demo mode prints a curl line whose
// token signs in, a revoked-looking token gets the challenge, and SIGINT stops the server.
import { once } from 'node:events';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { startExample, stopExamples, waitFor } from '../helpers/example-process.js';

jest.setTimeout(30_000);
afterEach(stopExamples);

const startServer = (framework: string) => startExample(framework, { PORT: '0' });

describe.each(['koa', 'fastify', 'nestjs'])('npx tsx examples/%s/server.ts', (framework) => {
  test('prints a curl line whose demo token signs in; a forged token gets 401 with the challenge; stops on SIGINT', async () => {
    const server = startServer(framework);
    const [, token, target] = await waitFor(server, /curl -H 'Authorization: Bearer (Atza\|[\w-]+)' (http:\/\/127\.0\.0\.1:\d+\/api\/me)\n/);
    const ok = await fetch(String(target), { headers: { authorization: `Bearer ${String(token)}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      provider: 'amazon',
      id: 'amzn1.account.DEMO0ADA0LOVELACE',
      displayName: 'Ada Lovelace',
      emails: [{ value: 'ada@example.com' }],
    });
    const forged = await fetch(String(target), { headers: { authorization: `Bearer ${String(token).replace('Atza|', 'Atza|X')}` } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer realm="Users", error="invalid_token"/);
    server.child.kill('SIGINT');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
