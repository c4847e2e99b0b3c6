/** The benchmark's settings, from the environment (see bench/run.ts). */

function numberEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}`);
  return value;
}

/** Milliseconds the fake Amazon waits before each answer. */
export const LATENCY_MS = numberEnv('BENCH_LATENCY_MS', 20, 0);
/** Seconds of measured load per scenario. */
export const DURATION_S = numberEnv('BENCH_DURATION', 5, 1);
/** Rounds the measured seconds are split into; the scenarios of a group take turns. */
export const ROUNDS = Math.floor(numberEnv('BENCH_ROUNDS', 5, 1));
/** Seconds of unmeasured load before each scenario. */
export const WARMUP_S = numberEnv('BENCH_WARMUP', 1, 0);
/** autocannon connections of every scenario. */
export const CONNECTIONS = Math.floor(numberEnv('BENCH_CONNECTIONS', 10, 1));
/** Concurrent requests of the burst, each with the same new token. */
export const BURST = 100;
export const MALFORMED_REQUESTS = 10_000;
export const MALFORMED_CONNECTIONS = 50;
/** BENCH_ONLY=id,id: run only these scenarios (ids in SCENARIOS) and skip the targets; for investigating. */
export const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : undefined;
/**
 * The last commit without the diagnostics channels (main before they were merged): the
 * `lwa-warm-before` row runs its build, so that the cost of the channels is measured in the same run.
 */
export const BEFORE_CHANNELS = process.env.BENCH_BEFORE ?? '46cd8e1';
