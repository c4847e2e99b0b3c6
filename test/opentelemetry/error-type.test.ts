/**
 * `error.type` of every outcome, row by row of the README's table (`<!-- error-type-table -->`),
 * on the SDK with in-memory exporters. The website rows run through a whole sign-in.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { LoginWithAmazonStrategy, type LoginWithAmazonBaseOptions, type VerifyFunction } from 'passport-login-with-amazon';
import { instrumentLoginWithAmazon, type LoginWithAmazonInstrumentation } from 'passport-login-with-amazon/opentelemetry';
import { createFakeAmazon, type FakeAmazon } from 'passport-login-with-amazon/testing';
import { CookieBrowser } from '../helpers/browser-jar.js';
import { authenticate, bearer } from '../helpers/channels.js';
import { startCodeGrantApp, type CodeGrantApp } from '../helpers/code-grant-app.js';
import { until } from '../flood/helpers.js';
import { doc } from '../helpers/readme-blocks.js';
import { createTestSdk, type TestSdk } from '../helpers/otel.js';

let amazon: FakeAmazon;
let sdk: TestSdk;
let instrumentation: LoginWithAmazonInstrumentation;
let app: CodeGrantApp | undefined;

beforeAll(async () => { amazon = await createFakeAmazon(); });
afterAll(async () => { await amazon.close(); });
beforeEach(() => {
  sdk = createTestSdk();
  instrumentation = instrumentLoginWithAmazon({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
});
afterEach(async () => {
  instrumentation.disable();
  await sdk.shutdown();
  await app?.close();
  app = undefined;
  amazon.reset();
});

const toUser: VerifyFunction = (_a, _r, profile, done) => { done(null, { id: profile.id }); };
const token = (options: Partial<LoginWithAmazonBaseOptions> = {}, verify: VerifyFunction = toUser): LoginWithAmazonStrategy =>
  new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints, timeout: 300, retries: 0, ...options }, verify);

/**
 * Runs one row; then the `error.type` of every `lwa.authenticate` span, in the order they ended, and
 * (when it is not the last span's) the value the guide's table shows for the row.
 */
type Row = () => Promise<void>;
const ROWS: Record<string, readonly [Row, readonly (string | undefined)[], string?]> = {
  'success, redirect (website sign-in)': [async () => {
    await authenticate(token(), bearer(amazon.issueToken()));
    app = await startCodeGrantApp(amazon, {});
    await new CookieBrowser(app.url).follow(`${app.url}/auth/amazon`);
  }, [undefined, undefined, undefined]],
  'fail: no token': [async () => { await authenticate(token(), { headers: {}, query: {}, body: {} }); }, ['401']],
  'fail: malformed request': [async () => {
    await authenticate(token(), { headers: { authorization: 'Bearer Atza|a', 'x-amz-access-token': 'Atza|b' }, query: {}, body: {} });
  }, ['400']],
  'fail: verify refused the user': [async () => {
    await authenticate(token({}, (_a, _r, _p, done) => { done(null, false); }), bearer(amazon.issueToken()));
  }, ['401']],
  'fail: token rejected by Amazon': [async () => {
    const revoked = amazon.issueToken();
    amazon.revoke(revoked);
    await authenticate(token(), bearer(revoked));
  }, ['LWA_INVALID_TOKEN']],
  'fail: token of another app': [async () => {
    await authenticate(token(), bearer(amazon.issueToken({}, { aud: 'amzn1.application-oa2-client.other', app_id: null })));
  }, ['LWA_AUDIENCE_MISMATCH']],
  'fail: scope missing': [async () => { await authenticate(token(), bearer(amazon.issueToken({}, { scopes: ['postal_code'] }))); }, ['LWA_INSUFFICIENT_SCOPE']],
  'fail: website sign-in without a valid pending state': [async () => {
    app = await startCodeGrantApp(amazon, {});
    await new CookieBrowser(app.url).request(`${app.url}/auth/amazon/callback?code=forged&state=forged`);
  }, ['403']],
  'fail: code refused by Amazon': [async () => {
    app = await startCodeGrantApp(amazon, {});
    const browser = new CookieBrowser(app.url);
    const { stoppedAt = '' } = await browser.follow(`${app.url}/auth/amazon`, { stopAt: (l) => l.includes('/auth/amazon/callback') });
    const url = new URL(stoppedAt);
    url.searchParams.set('code', 'ANused-or-unknown-code-0000');
    await browser.request(url.href);
  }, [undefined, 'LWA_INVALID_GRANT']],
  'error: Amazon failed': [async () => {
    amazon.fault('tokeninfo', { status: 500 });
    await authenticate(token(), bearer(amazon.issueToken()));
  }, ['LWA_UPSTREAM_STATUS']],
  'error: Amazon too slow': [async () => {
    amazon.fault('tokeninfo', { delayMs: 600 });
    await authenticate(token(), bearer(amazon.issueToken()));
  }, ['LWA_TIMEOUT']],
  'error: too many requests waiting for Amazon': [async () => {
    amazon.fault('tokeninfo', { delayMs: 100, times: 1 });
    const strategy = token({ maxWaitingForAmazon: 1, cache: false });
    const waiting = authenticate(strategy, bearer(amazon.issueToken()));
    await until(() => amazon.calls.tokeninfo === 1);
    await authenticate(strategy, bearer(amazon.issueToken()));
    await waiting;
  }, ['LWA_OVERLOADED', undefined], 'LWA_OVERLOADED'],
  'error: thrown by verify': [async () => {
    await authenticate(token({}, () => { throw new RangeError('app bug'); }), bearer(amazon.issueToken()));
  }, ['RangeError']],
};

/** The README table's rows: outcome and error.type. */
function readmeRows(): [string, string][] {
  const readme = doc('observability');
  const table = readme.split('<!-- error-type-table -->\n')[1]?.split('\n\n')[0] ?? '';
  return table.split('\n').slice(2).map((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    return [cells[1] ?? '', (cells[3] ?? '').replace(/`/g, '')];
  });
}

describe('error.type of the lwa.authenticate span', () => {
  test('the observability guide\'s table has exactly the rows tested here, with the same values', () => {
    const tested = Object.entries(ROWS).map(([outcome, [, types, shown]]): [string, string] => [outcome, shown ?? types.at(-1) ?? 'none']);
    expect(readmeRows()).toEqual(tested);
  });

  test.each(Object.keys(ROWS))('%s', async (outcome) => {
    const [row, expected] = ROWS[outcome] ?? [async () => undefined, []];
    await row();
    const spans = sdk.spans().filter((s) => s.name === 'lwa.authenticate');
    expect(spans.map((s) => s.attributes['error.type'])).toEqual(expected);
  });
});

test('the observability guide names the OpenTelemetry packages and versions this suite ran with', () => {
  const readme = doc('observability');
  const text = readme.split('<!-- otel-versions -->\n')[1]?.split('\n\n')[0] ?? '';
  const version = (name: string): string =>
    (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  expect(text).toContain(`\`@opentelemetry/api\` ${version('@opentelemetry/api')}`);
  for (const name of ['sdk-trace-base', 'sdk-metrics', 'context-async-hooks', 'core']) expect(version(`@opentelemetry/${name}`)).toBe('2.12.0');
  expect(text).toContain(`\`@opentelemetry/core\`\n${version('@opentelemetry/core')}`);
  expect(text).toContain(`\`@opentelemetry/exporter-prometheus\` ${version('@opentelemetry/exporter-prometheus')}`);
  expect(version('@opentelemetry/instrumentation-http')).toBe(version('@opentelemetry/exporter-prometheus'));
});
