import { ValueType, type Counter, type Histogram, type Meter } from '@opentelemetry/api';

/** Bucket bounds (seconds) for both histograms: a cache hit takes microseconds, Amazon tens to hundreds of milliseconds. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics of the table in docs/observability.md. */
export interface Instruments {
  authenticateDuration: Histogram;
  upstreamDuration: Histogram;
  cacheLookups: Counter;
  storeErrors: Counter;
  overloaded: Counter;
}

/** Creates the instruments on `meter`. */
export function createInstruments(meter: Meter): Instruments {
  const histogram = (name: string, description: string): Histogram => meter.createHistogram(name, {
    description, unit: 's', valueType: ValueType.DOUBLE, advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  return {
    authenticateDuration: histogram('lwa.authenticate.duration', 'Duration of authenticate(), from the token extraction to the Passport action'),
    upstreamDuration: histogram('lwa.upstream.duration', 'Duration of one HTTP attempt to Login with Amazon'),
    cacheLookups: meter.createCounter('lwa.cache.lookups', { description: 'Validations, by how they were answered', unit: '{lookup}', valueType: ValueType.INT }),
    storeErrors: meter.createCounter('lwa.store.errors', { description: 'Failed or timed-out shared-store operations', unit: '{error}', valueType: ValueType.INT }),
    overloaded: meter.createCounter('lwa.authenticate.overloaded', {
      description: 'Requests refused at once because maxWaitingForAmazon requests were waiting for Amazon', unit: '{request}', valueType: ValueType.INT,
    }),
  };
}
