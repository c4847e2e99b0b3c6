/**
 * The fake's consent page is the only way to consent: each page carries a fresh random token
 * bound, on the fake's side, to the authorization request it shows. `POST /ap/oa` with that token
 * (once, within {@link CONSENT_TTL_MS}) approves or denies exactly that request. A page on another
 * site cannot read the token (no CORS), so it cannot consent for the customer.
 */
import { randomBytes } from 'node:crypto';

/** How long a consent page's token is good for. */
export const CONSENT_TTL_MS = 10 * 60 * 1000;
/** How many pages' tokens are kept at most (the oldest go first): a flood of page views costs bounded memory. */
export const MAX_CONSENT_TOKENS = 1000;

/** Tokens of the consent pages shown, each bound to its request's query string. */
export class ConsentTokens {
  private readonly pending = new Map<string, { search: string; expires: number }>();

  constructor(private readonly now: () => number) {}

  /** A new token for a page showing the request of `search`. */
  issue(search: string): string {
    const token = randomBytes(24).toString('base64url');
    this.pending.set(token, { search, expires: this.now() + CONSENT_TTL_MS });
    if (this.pending.size > MAX_CONSENT_TOKENS) this.pending.delete(this.pending.keys().next().value as string);
    return token;
  }

  /** The request a token was issued for, once; `undefined` for an unknown, used or expired token. */
  take(token: unknown): string | undefined {
    if (typeof token !== 'string') return undefined;
    const entry = this.pending.get(token);
    this.pending.delete(token);
    return entry !== undefined && this.now() < entry.expires ? entry.search : undefined;
  }
}
