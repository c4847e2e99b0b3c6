// `npm run mutation:changed [-- <base>]` (run with tsx): mutation testing of the lib/ files a change touched, with a
// verdict. It mutates the TypeScript files under lib/ that differ from <base> (default: the merge base
// with origin/main, else HEAD~1; uncommitted changes count too), except lib/testing/ (the fake Amazon,
// a test helper) and lib/cli/ (tested as a child process, out of Stryker's reach), and fails when any
// of them scores below 85 % (killed and timed-out mutants over all valid ones, as Stryker counts).
// The report is reports/mutation/mutation.json; the whole-lib run is `npm run mutation`.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const THRESHOLD = 85;
/** Stryker's JSON reporter writes here (no command-line option moves it). */
const REPORT = 'reports/mutation/mutation.json';

/** The commit to compare with: the argument, else the merge base with origin/main, else HEAD~1. */
function base(): string {
  if (process.argv[2]) return process.argv[2];
  try {
    return execFileSync('git', ['merge-base', 'HEAD', 'origin/main'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'HEAD~1';
  }
}

/** lib/ files that differ from `ref` (committed or not) and that mutation testing scores. */
export function changedFiles(ref: string): string[] {
  const out = execFileSync('git', ['diff', '--name-only', '--diff-filter=AMR', ref, '--', 'lib'], { encoding: 'utf8' });
  return out.split('\n').filter((file) => /^lib\/.+\.ts$/.test(file) && !/^lib\/(testing|cli)\//.test(file));
}

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
export interface Report { files: Record<string, { mutants: { status: string }[] }> }
export interface Counts { killed: number; timeout: number; survived: number; noCoverage: number }

/** Per file of a Stryker JSON report: [file, score in %, counts by status]. */
export function scores(report: Report): [string, number, Counts][] {
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (status: string): number => mutants.filter((m) => m.status === status).length;
    const detected = count('Killed') + count('Timeout');
    const valid = detected + count('Survived') + count('NoCoverage');
    return [file, valid === 0 ? 100 : (100 * detected) / valid, { killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage') }];
  });
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const ref = base();
  const files = changedFiles(ref);
  if (files.length === 0) {
    console.log(`mutation:changed: no lib/ file to score changed since ${ref}`);
    process.exit(0);
  }
  console.log(`mutation:changed: ${String(files.length)} file(s) changed since ${ref}: ${files.join(', ')}`);
  const run = spawnSync('npx', ['stryker', 'run', '--mutate', files.join(','), '--reporters', 'clear-text,progress,json'], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const below: string[] = [];
  for (const [file, score, counts] of scores(JSON.parse(readFileSync(REPORT, 'utf8')) as Report)) {
    console.log(`${score.toFixed(2).padStart(6)} %  ${file}  ${JSON.stringify(counts)}`);
    if (score < THRESHOLD) below.push(file);
  }
  if (below.length > 0) {
    console.log(`mutation:changed: below ${String(THRESHOLD)} %: ${below.join(', ')}`);
    process.exit(1);
  }
  console.log(`mutation:changed: every changed file scores at least ${String(THRESHOLD)} %`);
}
