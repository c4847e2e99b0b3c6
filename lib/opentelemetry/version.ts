/**
 * The package's version, for the instrumentation scope of the tracer and the meter. Read at run
 * time from the package's own package.json, two folders up from this module both in lib/ (tests)
 * and in dist/ (the published package), so it never drifts from what is installed.
 */
import { readFileSync } from 'node:fs';

/** The package's name, as its package.json must say (else the file read is someone else's). */
const PACKAGE_NAME = 'passport-login-with-amazon';

/**
 * The `version` of the package.json at `url` when that file is this package's, else `undefined`
 * (unreadable, not JSON, another package's, as in a bundle that moved this module): a scope
 * without a version, never an exception at `instrumentLoginWithAmazon()`.
 */
export function packageVersion(url: URL = new URL('../../package.json', import.meta.url)): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(url, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { name, version } = parsed as { name?: unknown; version?: unknown };
  return name === PACKAGE_NAME && typeof version === 'string' && version !== '' ? version : undefined;
}
