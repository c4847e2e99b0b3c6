/**
 * Certificate checking, proven against a local HTTPS Amazon with certificates made for this run:
 * every bad certificate ends in error(LWA_NETWORK, 502) with the TLS reason in `cause.code`, the
 * token never reaches the server, verify is never called; a CA trusted through
 * NODE_EXTRA_CA_CERTS (a child process, since Node reads it at startup) is accepted.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import { LoginWithAmazonError, LoginWithAmazonStrategy, type VerifyFunction } from '../lib/index.js';
import { authenticate } from './faults/helpers.js';
import { CLIENT_ID, TOKEN, USER_ID, profileBody, tokenInfoBody } from './helpers/amazon-nock.js';
import { expectNoSecret } from './helpers/leak.js';
import { makeTestPki, startHttpsAmazon, type HttpsAmazon, type TestPki } from './helpers/tls.js';

jest.setTimeout(30_000);
const run = promisify(execFile);
const CLIENT = path.join(import.meta.dirname, 'fixtures', 'tls-client.js');
const root = path.join(import.meta.dirname, '..');

type Case = 'good' | 'selfSigned' | 'unknownCa' | 'unknownCaWithRoot' | 'otherHost' | 'expired';
const CASES: Case[] = ['good', 'selfSigned', 'unknownCa', 'unknownCaWithRoot', 'otherHost', 'expired'];

let pki: TestPki;
const servers = {} as Record<Case, HttpsAmazon>;

beforeAll(async () => {
  // Node's own https and tls, as in production: no interceptor between the client and the socket.
  nock.restore();
  pki = makeTestPki();
  const bodies = { '/auth/o2/tokeninfo': tokenInfoBody(), '/user/profile': profileBody() };
  for (const name of CASES) servers[name] = await startHttpsAmazon(pki[name], TOKEN, bodies);
});

afterAll(async () => {
  for (const server of Object.values(servers)) await server.close();
  pki.remove();
});

describe('in this process (it trusts only Node\'s built-in CAs)', () => {
  const cases: [string, Case, string][] = [
    ['a self-signed certificate', 'selfSigned', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['a certificate from an unknown CA (leaf only)', 'unknownCa', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['a certificate from an unknown CA (its root sent along)', 'unknownCaWithRoot', 'SELF_SIGNED_CERT_IN_CHAIN'],
    ['a valid certificate from a CA this process does not trust', 'good', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ];

  test.each(cases)('refuses %s with LWA_NETWORK 502 and the TLS reason, before any request', async (_label, name, reason) => {
    const server = servers[name];
    const before = server.connections();
    const verify = jest.fn<VerifyFunction>((_a, _r, profile, done) => done(null, { id: profile.id }));
    const strategy = new LoginWithAmazonStrategy({ clientID: CLIENT_ID, cache: false, ...server.endpoints }, verify);
    const action = await authenticate(strategy, { headers: { authorization: `Bearer ${TOKEN}` } }).first;
    expect(action.type).toBe('error');
    const err = (action as { err: unknown }).err;
    expect(err).toBeInstanceOf(LoginWithAmazonError);
    expect(err).toMatchObject({ code: 'LWA_NETWORK', status: 502, endpoint: 'tokeninfo', message: 'tokeninfo request failed' });
    expect((err as Error).cause).toMatchObject({ code: reason });
    expect(verify).not.toHaveBeenCalled();
    expectNoSecret(err, TOKEN);
    expect(server.connections()).toBeGreaterThan(before); // the server was reached: TLS said no
    expect(server.requests()).toBe(0); // so the token header was never sent
  });
});

interface ChildResult {
  outcome: string;
  name?: string;
  user?: unknown;
  verifyCalls: number;
  code?: string;
  status?: number;
  causeCode?: string;
  views?: string[];
}

/** Runs test/fixtures/tls-client.js against `names` in a fresh Node, with `extraCa` or none. */
async function inChild(names: Case[], extraCa: string | undefined): Promise<Record<string, ChildResult>> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the child
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_TLS_REJECT_UNAUTHORIZED;
  if (extraCa !== undefined) env.NODE_EXTRA_CA_CERTS = extraCa;
  env.LWA_TLS_TARGETS = JSON.stringify(Object.fromEntries(names.map((name) => [name, servers[name].url])));
  env.LWA_TOKEN = TOKEN;
  env.LWA_CLIENT_ID = CLIENT_ID;
  const { stdout } = await run(process.execPath, [CLIENT], { cwd: root, env });
  return JSON.parse(stdout) as Record<string, ChildResult>;
}

describe('in a child process that imports the built package', () => {
  test('accepts a server whose CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const requests = servers.good.requests();
    const { good } = await inChild(['good'], pki.caPath);
    expect(good).toEqual({ outcome: 'success', user: { id: USER_ID }, verifyCalls: 1 });
    expect(servers.good.requests() - requests).toBe(2); // tokeninfo and profile
  });

  test('refuses the same server without NODE_EXTRA_CA_CERTS', async () => {
    const { good } = await inChild(['good'], undefined);
    expect(good).toMatchObject({ outcome: 'error', code: 'LWA_NETWORK', status: 502, causeCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', verifyCalls: 0 });
  });

  test('with that CA trusted, still refuses every other bad certificate with its TLS reason', async () => {
    const expected: Partial<Record<Case, string>> = {
      otherHost: 'ERR_TLS_CERT_ALTNAME_INVALID',
      expired: 'CERT_HAS_EXPIRED',
      selfSigned: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      unknownCa: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    };
    const names = Object.keys(expected) as Case[];
    const requests = names.map((name) => servers[name].requests());
    const results = await inChild(names, pki.caPath);
    for (const name of names) {
      const { views = [], ...result } = results[name] ?? { outcome: 'missing', verifyCalls: 0 };
      expect({ target: name, ...result }).toEqual({
        target: name, outcome: 'error', name: 'LoginWithAmazonError', code: 'LWA_NETWORK', status: 502, causeCode: expected[name], verifyCalls: 0,
      });
      expect(views).toHaveLength(5);
      for (const view of views) expectNoSecret(view, TOKEN);
    }
    expect(names.map((name) => servers[name].requests())).toEqual(requests);
  });
});
