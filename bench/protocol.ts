/** Messages between bench/run.ts (load generator + fake Amazon) and one app under test (bench/app.ts). */

/** The apps the benchmark can start, each in its own child process. */
export type AppKind = 'lwa-off' | 'lwa-off-tokeninfo' | 'lwa-on' | 'lwa-on-otel' | 'baseline' | 'peer' | 'ceiling';

export const APP_KINDS: readonly AppKind[] = ['lwa-off', 'lwa-off-tokeninfo', 'lwa-on', 'lwa-on-otel', 'baseline', 'peer', 'ceiling'];

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; maxRssBytes: number; rssBytes: number };

/** Parent → child. */
export type ParentMessage = { type: 'stats' } | { type: 'stop' };

/** Environment the parent gives a child. */
export interface AppEnv {
  BENCH_APP: AppKind;
  BENCH_CLIENT_ID: string;
  BENCH_TOKENINFO_URL: string;
  BENCH_PROFILE_URL: string;
}
