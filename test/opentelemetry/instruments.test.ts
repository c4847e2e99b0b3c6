/**
 * The instruments (lib/opentelemetry/instruments.ts), as a meter is asked for them: each name,
 * description, unit, value type and bucket advice of the metrics table in docs/observability.md.
 */
import { expect, test } from '@jest/globals';
import { ValueType, type Meter } from '@opentelemetry/api';
import { createInstruments, DURATION_BUCKETS } from '../../lib/opentelemetry/instruments.js';

test('each instrument is created with its name, description, unit, value type and buckets', () => {
  const calls: unknown[][] = [];
  const meter = {
    createHistogram: (...args: unknown[]) => { calls.push(['histogram', ...args]); return { record: () => undefined }; },
    createCounter: (...args: unknown[]) => { calls.push(['counter', ...args]); return { add: () => undefined }; },
  } as unknown as Meter;
  const instruments = createInstruments(meter);
  expect(Object.keys(instruments).sort()).toEqual(['authenticateDuration', 'cacheLookups', 'overloaded', 'storeErrors', 'upstreamDuration']);
  const advice = { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };
  expect(DURATION_BUCKETS).toEqual(advice.explicitBucketBoundaries);
  expect(calls).toEqual([
    ['histogram', 'lwa.authenticate.duration', {
      description: 'Duration of authenticate(), from the token extraction to the Passport action', unit: 's', valueType: ValueType.DOUBLE, advice,
    }],
    ['histogram', 'lwa.upstream.duration', { description: 'Duration of one HTTP attempt to Login with Amazon', unit: 's', valueType: ValueType.DOUBLE, advice }],
    ['counter', 'lwa.cache.lookups', { description: 'Validations, by how they were answered', unit: '{lookup}', valueType: ValueType.INT }],
    ['counter', 'lwa.store.errors', { description: 'Failed or timed-out shared-store operations', unit: '{error}', valueType: ValueType.INT }],
    ['counter', 'lwa.authenticate.overloaded', {
      description: 'Requests refused at once because maxWaitingForAmazon requests were waiting for Amazon', unit: '{request}', valueType: ValueType.INT,
    }],
  ]);
});
