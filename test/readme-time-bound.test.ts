/** The options guide's worst-case time of one authentication, computed from the defaults the code really uses. */
import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import { RETRY_DELAY_MS } from '../lib/amazon/http.js';
import { CACHE_DEFAULTS } from '../lib/token/cache-options.js';
import { DEFAULTS } from '../lib/token/options.js';

const readme = readFileSync(new URL('../docs/options.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
const seconds = (ms: number): string => String(ms / 1000);

it('states the time bound with the store read, the retries and their pauses', () => {
  expect(readme).toContain(`\`storeTimeout + timeout × (retries + 1) + ${String(RETRY_DELAY_MS)} ms × retries\``);
});

it('states the default worst case in seconds, from the defaults of timeout, retries and storeTimeout', () => {
  const { timeout, retries } = DEFAULTS;
  const upstream = timeout * (retries + 1) + RETRY_DELAY_MS * retries;
  const total = CACHE_DEFAULTS.storeTimeout + upstream;
  const terms = `${seconds(CACHE_DEFAULTS.storeTimeout)} s + ${seconds(timeout)} s × ${String(retries + 1)} + ${seconds(RETRY_DELAY_MS * retries)} s`;
  expect(readme).toContain(`${terms} = **${seconds(total)} s** at most (${seconds(upstream)} s without a store)`);
});
