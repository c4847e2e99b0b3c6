/**
 * The instrumentation scope of the bridge's spans and metrics carries the package's version, read
 * from its package.json at run time: from lib/ here (from dist/ in the packed package:
 * version-packed.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy } from 'passport-login-with-amazon';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, instrumentLoginWithAmazon } from 'passport-login-with-amazon/opentelemetry';
import { packageVersion } from '../../lib/opentelemetry/version.js';
import { authenticate } from '../helpers/channels.js';
import { createTestSdk } from '../helpers/otel.js';

const root = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
let scratch: string;
beforeAll(() => { scratch = mkdtempSync(join(tmpdir(), 'lwa-otel-version-')); });
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

test('spans and metrics carry the scope passport-login-with-amazon with the package.json version', async () => {
  const sdk = createTestSdk();
  const instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  try {
    // No token: a fail() decided without Amazon, one span and one duration point.
    const strategy = new LoginWithAmazonStrategy({ clientID: 'amzn1.application-oa2-client.x' }, () => undefined);
    await expect(authenticate(strategy, { headers: {}, query: {}, body: {} })).resolves.toEqual({ kind: 'fail', status: undefined });
    const [span] = sdk.spans();
    expect(span?.instrumentationScope).toEqual(expect.objectContaining({ name: INSTRUMENTATION_NAME, version }));
    const scope = (await collectScopes(sdk)).find((scope) => scope.name === INSTRUMENTATION_NAME);
    expect(scope).toEqual(expect.objectContaining({ name: INSTRUMENTATION_NAME, version }));
  } finally {
    instrumentation.disable();
    await sdk.shutdown();
  }
});

/** The instrumentation scopes of the metrics collected so far. */
async function collectScopes(sdk: ReturnType<typeof createTestSdk>): Promise<{ name: string; version?: string }[]> {
  await sdk.points('lwa.authenticate.duration');
  return sdk.scopes();
}

test('INSTRUMENTATION_VERSION is the version of package.json', () => {
  expect(INSTRUMENTATION_VERSION).toBe(version);
});

test('a package.json that is missing, not JSON, not an object, another package\'s or without a version gives no version, never an exception', () => {
  const write = (name: string, text: string): URL => {
    const path = join(scratch, name);
    writeFileSync(path, text);
    return new URL(`file://${path}`);
  };
  expect(packageVersion(new URL(`file://${join(scratch, 'absent.json')}`))).toBeUndefined();
  expect(packageVersion(write('garbage.json', '{ not json'))).toBeUndefined();
  expect(packageVersion(write('null.json', 'null'))).toBeUndefined();
  expect(packageVersion(write('other.json', '{ "name": "someone-else", "version": "9.9.9" }'))).toBeUndefined();
  expect(packageVersion(write('noversion.json', '{ "name": "passport-login-with-amazon" }'))).toBeUndefined();
  expect(packageVersion(write('numeric.json', '{ "name": "passport-login-with-amazon", "version": 1 }'))).toBeUndefined();
  expect(packageVersion(write('ours.json', '{ "name": "passport-login-with-amazon", "version": "1.2.3" }'))).toBe('1.2.3');
});
