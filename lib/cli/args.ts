/**
 * The command line's option parser: `node:util` `parseArgs` reads the tokens, and this file words
 * what is wrong in the command line's own terms ("unknown option --client (did you mean
 * --client-id?)") instead of passing on `parseArgs`' text. It never echoes an argument that could
 * be a token: only option names that look like option names.
 */
import { parseArgs } from 'node:util';

/** A mistake on the command line: printed with the usage, exit 2. */
export class UsageError extends Error {}

/** The options a command takes, as `parseArgs` wants them (no short names). */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** What a command's arguments say: option values by name, and the positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Edit distance between two short strings (insertions, deletions, substitutions). */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known option closest to `name`, when it is close enough to be what was meant. */
export function closest(name: string, known: readonly string[]): string | undefined {
  // A prefix counts from three letters on ("--client" for "--client-id"; "-c" is no guess).
  const prefix = (k: string): boolean => name.length >= 3 && (k.startsWith(name) || name.startsWith(k));
  const scored = known.map((k) => ({ k, d: prefix(k) ? 0 : distance(name, k) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= Math.max(2, Math.floor(best.k.length / 3)) ? best.k : undefined;
}

const OPTION_NAME = /^--?[A-Za-z][A-Za-z0-9_-]{0,39}$/;

function unknownOption(command: string, rawName: string, known: readonly string[]): UsageError {
  const list = known.map((k) => `--${k}`).join(', ');
  // An argument that does not look like an option name could be a token pasted in the wrong place.
  if (!OPTION_NAME.test(rawName)) return new UsageError(`${command}: an unknown option (${command} takes ${list})`);
  const guess = closest(rawName.replace(/^--?/, ''), known);
  return new UsageError(`${command}: unknown option ${rawName}${guess === undefined ? ` (${command} takes ${list})` : ` (did you mean --${guess}?)`}`);
}

/**
 * Parses `args` for `command`: throws a {@link UsageError} for an unknown option (with a "did you
 * mean" hint), a string option without its value, a value given to a boolean option, and a
 * positional where the command takes none.
 */
export function parseCommand(command: string, args: readonly string[], options: OptionSpecs, allowPositionals: boolean): Parsed {
  const { values, positionals, tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(options);
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals) throw new UsageError(`${command} takes no arguments, only options (${known.map((k) => `--${k}`).join(', ')})`);
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (spec === undefined) throw unknownOption(command, token.rawName, known);
    // Without strict parsing, `--client-id --region` would take "--region" as the client id.
    const missing = token.value === undefined || (!token.inlineValue && token.value.startsWith('--'));
    if (spec.type === 'string' && missing) throw new UsageError(`${command}: ${token.rawName} needs a value`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`${command}: ${token.rawName} takes no value`);
  }
  return { values, positionals };
}
