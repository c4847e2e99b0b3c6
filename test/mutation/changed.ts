// `npm run mutation:changed` (run with tsx): mutation testing of the lib/ files touched since they
// were last scored, with a verdict, and the record of the scores (RECORD, committed).
//
// A file is touched when its content is not the one the record scored (its SHA-256 differs), or when
// the record has no entry for it. The touched files are mutated (Stryker, as stryker.config.js says,
// static mutants left out), their new scores replace theirs in the record, and the command fails when
// one of them scores below THRESHOLD (killed and timed-out mutants over all valid ones, as Stryker
// counts). Nothing touched: nothing to run, exit 0. Every file of lib/ is scored except lib/testing/
// (the fake Amazon, a test helper).
//
// `npm run mutation:changed -- --record <report.json>` records the files of a Stryker JSON report
// instead (e.g. reports/mutation/mutation.json after `npm run mutation -- --reporters json`), each
// under the SHA-256 of the source the report holds, so that a report of older code never passes for
// the current file; `--record <report.json> <file>...` also names the files its run mutated, and
// those the report does not hold (Stryker found nothing to mutate: a file of types only) are recorded
// with 0 mutants. The run without arguments does the same for the touched files it mutates. Either way the table of docs/testing.md is written again from the record.
// `npm run mutation:changed -- --not-scored` gives each file the record has no entry for a "not
// scored yet" entry: the table says so, and the file is scored when it next changes (a whole-lib
// run takes hours; see docs/testing.md). `--not-scored <file>...` does the same for the named files
// that are touched, dropping their old scores: for a change too large to score in one sitting,
// said so in the table and in the change's note, never hidden. `.ci/run` runs the command without arguments.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const THRESHOLD = 85;
export const RECORD = 'test/mutation/scores.json';
/** The guide whose table of scores is written from the record, between TABLE_MARKERS. */
export const DOC = 'docs/testing.md';
export const TABLE_MARKERS = ['<!-- mutation-scores -->', '<!-- /mutation-scores -->'] as const;
/** Stryker's JSON reporter writes here (no command-line option moves it). */
const REPORT = 'reports/mutation/mutation.json';

/** The part of Stryker's JSON report (mutation-testing-report-schema) read here. */
export interface Report { files: Record<string, { source: string; mutants: { status: string }[] }> }
/**
 * Mutants by status. `errors`: the covering tests could not run (a test file failed to load, a hook
 * failed), so the mutant counts neither way; shown so that a test that turns kills into errors is seen.
 */
export interface Counts { killed: number; timeout: number; survived: number; noCoverage: number; errors: number; ignored: number }
export interface FileScore extends Counts { sha256: string; score: number }
/** A file the record names but no run has scored yet (said so in the table, not run by CI until it changes). */
export interface NotScored { sha256: string; score: null }
export type Entry = FileScore | NotScored;
export interface ScoreRecord { files: Record<string, Entry> }

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Killed and timed-out mutants over all valid ones (survived and uncovered count against), in %,
 * to the hundredth below: 84.999 is 84.99, never rounded up to the threshold.
 */
export function score({ killed, timeout, survived, noCoverage }: Counts): number {
  const valid = killed + timeout + survived + noCoverage;
  return valid === 0 ? 100 : Math.floor((10_000 * (killed + timeout)) / valid) / 100;
}

/** Per file of a Stryker JSON report: its counts by status, its score and the SHA-256 of its source. */
export function scoresOf(report: Report): Record<string, FileScore> {
  const out: Record<string, FileScore> = {};
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const count = (status: string): number => mutants.filter((m) => m.status === status).length;
    const counts = {
      killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'),
      errors: count('RuntimeError') + count('CompileError'), ignored: count('Ignored'),
    };
    out[file] = { sha256: sha256(source), score: score(counts), ...counts };
  }
  return out;
}

/**
 * Entries for the files of `mutated` that `report` does not hold: Stryker mutated them and found
 * nothing to change (a file of types only), so none of their code can hide a bug from the tests.
 * Recorded as 0 mutants, 100 %, under their current SHA-256, so that they stop counting as touched.
 */
export function withoutMutants(report: Report, mutated: string[], read: (file: string) => string): Record<string, FileScore> {
  const none: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 };
  return Object.fromEntries(mutated.filter((file) => !(file in report.files)).map((file) => [file, { sha256: sha256(read(file)), score: score(none), ...none }]));
}

/** The TypeScript files of lib/ that mutation testing scores (all but lib/testing/), sorted. */
export function scorableFiles(root = '.'): string[] {
  const files = readdirSync(join(root, 'lib'), { recursive: true, encoding: 'utf8' })
    .map((file) => `lib/${file.split('\\').join('/')}`);
  return files.filter((file) => file.endsWith('.ts') && !file.startsWith('lib/testing/')).sort();
}

/** The files whose content is not the one `record` scored (or that it has no entry for). */
export function touched(record: ScoreRecord, files: string[], read: (file: string) => string): string[] {
  return files.filter((file) => record.files[file]?.sha256 !== sha256(read(file)));
}

/** `record` with the entries of `scores` in place of its own, files in order. */
export function merged(record: ScoreRecord, scores: Record<string, Entry>): ScoreRecord {
  const files = { ...record.files, ...scores };
  return { files: Object.fromEntries(Object.keys(files).sort().map((file) => [file, files[file] as Entry])) };
}

/** "Not scored yet" entries for the files of `files` the record has no entry for. */
export function notScored(record: ScoreRecord, files: string[], read: (file: string) => string): Record<string, NotScored> {
  return Object.fromEntries(files.filter((file) => !(file in record.files)).map((file) => [file, { sha256: sha256(read(file)), score: null }]));
}

/**
 * "Not scored yet" entries for the files of `named` that are touched (changed since the record
 * scored them, or not named by it), under their current SHA-256: a score of older code is dropped,
 * never carried over to the new content. Files named that are not touched keep their score.
 * A name that is not a scorable file is an error, so that a typo never passes for a deferral.
 */
export function deferred(record: ScoreRecord, named: string[], scorable: string[], read: (file: string) => string): Record<string, NotScored> {
  const unknown = named.filter((file) => !scorable.includes(file));
  if (unknown.length > 0) throw new Error(`not a scorable file of lib/: ${unknown.join(', ')}`);
  return Object.fromEntries(touched(record, named, read).map((file) => [file, { sha256: sha256(read(file)), score: null }]));
}

const isScored = (entry: Entry): entry is FileScore => entry.score !== null;

const percent = (value: number): string => `${value.toFixed(2)} %`;

/** The record as docs/testing.md shows it: a row per file, then the files scored, together. */
export function table(record: ScoreRecord): string {
  const entries = Object.entries(record.files).filter((pair): pair is [string, FileScore] => isScored(pair[1]));
  const sum = (key: keyof Counts): number => entries.reduce((total, [, s]) => total + s[key], 0);
  const all: Counts = {
    killed: sum('killed'), timeout: sum('timeout'), survived: sum('survived'), noCoverage: sum('noCoverage'), errors: sum('errors'), ignored: sum('ignored'),
  };
  const row = (name: string, value: number, c: Counts): string =>
    `| ${name} | ${percent(value)} | ${String(c.killed)} | ${String(c.timeout)} | ${String(c.survived)} | ${String(c.noCoverage)} | ${String(c.errors)} | ${String(c.ignored)} |`;
  return [
    '| file | score | killed | timed out | survived | no coverage | errors | ignored |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(record.files).map(([file, s]) => (isScored(s) ? row(`\`${file}\``, s.score, s) : `| \`${file}\` | not scored yet | | | | | | |`)),
    row(`**the ${String(entries.length)} files scored**`, score(all), all),
  ].join('\n');
}

/** `doc` with the text between TABLE_MARKERS replaced by the table of `record`. */
export function withTable(doc: string, record: ScoreRecord): string {
  const [open, close] = TABLE_MARKERS;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start === -1 || end < start) throw new Error(`${DOC} has no ${open} ... ${close} section`);
  return `${doc.slice(0, start + open.length)}\n${table(record)}\n${doc.slice(end)}`;
}

function readRecord(): ScoreRecord {
  try {
    return JSON.parse(readFileSync(RECORD, 'utf8')) as ScoreRecord;
  } catch {
    return { files: {} };
  }
}

function print(scores: Record<string, Entry>): void {
  for (const [file, s] of Object.entries(scores)) {
    if (!isScored(s)) {
      console.log(`   not scored yet  ${file}`);
      continue;
    }
    const { sha256: _, score: value, ...counts } = s;
    console.log(`${value.toFixed(2).padStart(6)} %  ${file}  ${JSON.stringify(counts)}`);
  }
}

function main(args: string[]): number {
  const record = readRecord();
  const read = (file: string): string => readFileSync(file, 'utf8');
  let scores: Record<string, Entry>;
  if (args[0] === '--not-scored' && args.length > 1) {
    scores = deferred(record, args.slice(1), scorableFiles(), read);
  } else if (args[0] === '--not-scored') {
    scores = notScored(record, scorableFiles(), read);
  } else if (args[0] === '--record') {
    if (args[1] === undefined) {
      console.error('mutation:changed: --record needs the path of a Stryker JSON report');
      return 2;
    }
    const report = JSON.parse(readFileSync(args[1], 'utf8')) as Report;
    // The files after the report are the ones its run mutated (--mutate): those it does not hold had no mutant.
    const unknown = args.slice(2).filter((file) => !scorableFiles().includes(file));
    if (unknown.length > 0) {
      console.error(`mutation:changed: not a scorable file of lib/: ${unknown.join(', ')}`);
      return 2;
    }
    scores = { ...withoutMutants(report, args.slice(2), read), ...scoresOf(report) };
  } else {
    const files = touched(record, scorableFiles(), read);
    const waiting = Object.entries(record.files).filter(([, entry]) => !isScored(entry)).map(([file]) => file);
    if (waiting.length > 0) console.log(`mutation:changed: not scored yet, and unchanged since: ${waiting.join(', ')}`);
    if (files.length === 0) {
      console.log(`mutation:changed: every lib/ file is as ${RECORD} scored it; nothing to run`);
      return 0;
    }
    console.log(`mutation:changed: ${String(files.length)} file(s) touched since they were last scored: ${files.join(', ')}`);
    const run = spawnSync('npx', ['stryker', 'run', '--mutate', files.join(','), '--incrementalFile', 'reports/stryker-incremental-changed.json', '--reporters', 'clear-text,progress,json'], { stdio: 'inherit' });
    if (run.status !== 0) return run.status ?? 1;
    const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
    scores = { ...withoutMutants(report, files, read), ...scoresOf(report) };
  }
  print(scores);
  const next = merged(record, scores);
  writeFileSync(RECORD, `${JSON.stringify(next, null, 2)}\n`);
  writeFileSync(DOC, withTable(readFileSync(DOC, 'utf8'), next));
  const below = Object.entries(scores).filter(([, s]) => isScored(s) && s.score < THRESHOLD).map(([file]) => file);
  if (below.length > 0) {
    console.log(`mutation:changed: below ${String(THRESHOLD)} %: ${below.join(', ')}`);
    return 1;
  }
  console.log(`mutation:changed: every file scored now is at least ${String(THRESHOLD)} % (recorded in ${RECORD})`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) process.exit(main(process.argv.slice(2)));
