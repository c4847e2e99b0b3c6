import { inspect } from 'node:util';
import { expect } from '@jest/globals';

/** Asserts that `secret` appears nowhere a log line could pick it up from `err`. */
export function expectNoSecret(err: unknown, secret: string): void {
  const views = [String(err), inspect(err, { depth: 10, showHidden: true }), (JSON.stringify(err) as string | undefined) ?? ''];
  if (err instanceof Error) views.push(err.message, err.stack ?? '');
  const fragments = [secret, secret.slice(5, 40), encodeURIComponent(secret)];
  for (const view of views) {
    for (const fragment of fragments) expect(view).not.toContain(fragment);
  }
}
