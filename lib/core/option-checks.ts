/**
 * Small checks shared by every options object of the package. Each throws a `TypeError` whose
 * message quotes the option's name, never its value (a value may be a secret).
 */

/** Largest timer Node accepts (setTimeout clamps anything above to 1 ms). */
export const MAX_TIMEOUT = 2_147_483_647;

/** A plain object of options (or `undefined`), else a `TypeError`. */
export function optionsObject(value: unknown, option: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`"${option}" must be an object`);
  }
  return value as Record<string, unknown>;
}

/** Edit distance (Levenshtein), for "did you mean" hints; inputs are short option names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known option closest to `key`, if it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Throws on any own key that is not a known option: a typo (`tokenSource`) must not silently
 * leave the default in force. `where` prefixes nested names (`'cache.'`).
 */
export function assertKnownKeys(options: Record<string, unknown>, known: readonly string[], where = ''): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known);
    throw new TypeError(`unknown option "${where}${key}"${hint === undefined ? '' : `; did you mean "${where}${hint}"?`}`);
  }
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A client id: Amazon takes at most 100 bytes, and whitespace or a comma would not survive a query or a Basic header. */
export function idOption(value: unknown, option: string): string {
  if (!isNonEmptyString(value) || /[\s,]/.test(value) || Buffer.byteLength(value) > 100) {
    throw new TypeError(`"${option}" must be a non-empty string of at most 100 bytes without whitespace or commas`);
  }
  return value;
}

export function stringOption(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!isNonEmptyString(value)) throw new TypeError(`"${option}" must be a non-empty string`);
  return value;
}

export function integer(value: unknown, option: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`"${option}" must be an integer from ${String(min)} to ${String(max)}`);
  }
  return value;
}

export function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`"${option}" must be a boolean`);
  return value;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An `https:` URL (plain `http:` only for a loopback host), without credentials. */
export function endpointURL(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  const message = `"${option}" must be an absolute https: URL (http: only on loopback), without credentials`;
  if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError(message);
  const url = new URL(value);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (!secure || url.username !== '' || url.password !== '') throw new TypeError(message);
  return url.href;
}
