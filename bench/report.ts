/** Formatting of the printed tables. */
import type { LoadResult } from './load.js';

const MB = 1024 * 1024;

export const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const mb = (bytes: number): string => `${fixed(bytes / MB, 1)} MB`;
export const statuses = (counts: Record<string, number>): string =>
  Object.entries(counts).map(([code, n]) => `${code}×${String(n)}`).join(' ');
export const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

/** One row of the scenario table. */
export interface Row {
  label: string;
  load: LoadResult;
  upstreamPerAuth: number;
  idleRssBytes: number;
  peakRssBytes: number;
}

/** The scenario table, markdown. */
export function table(rows: Row[]): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | upstream calls / auth | peak RSS (app process; idle before load) | responses |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const { load: l } = row;
    const responses = `${statuses(l.statusCounts)}${l.errors > 0 ? ` errors×${String(l.errors)}` : ''}`;
    lines.push(`| ${row.label} | ${fixed(l.reqPerSec, 0)} | ${fixed(l.p50, 1)} | ${fixed(l.p99, 1)} | ${fixed(row.upstreamPerAuth, 2)} | ${mb(row.peakRssBytes)} (${mb(row.idleRssBytes)}) | ${responses} |`);
  }
  return lines.join('\n');
}
