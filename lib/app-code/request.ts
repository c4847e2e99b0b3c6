import type { CodeToRedeem } from '../passport/grant.js';

/**
 * The fixed messages of `fail()` (400 but `crossSite`, 403), in the order of the outcome table of docs/mobile-app.md. Each names the
 * field, never its value (a code or a verifier is a secret).
 */
export const CODE_EXCHANGE_MESSAGES = {
  /** `fail()` 403: a browser's cross-site request (see `allowedOrigins`). */
  crossSite: 'cross-site request refused: codes are taken from apps and from allowedOrigins only',
  code: '"code" is missing or not a string of visible ASCII characters',
  codeTooLong: '"code" is longer than the size cap',
  verifier: '"code_verifier" must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)',
  redirectURI: '"redirect_uri" is missing or not one of the registered redirect URIs',
  clientID: '"client_id" is not this strategy\'s client id',
  invalidGrant: 'authorization code rejected: sign in again in the app',
} as const;

/** What the request's body must carry, checked against the strategy's configuration. */
export interface BodyRules {
  clientID: string;
  redirectURIs: readonly string[];
  maxCodeBytes: number;
}

/** A field of the body, only when it is the body's own (never one from `Object.prototype`). */
function field(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, name)) return undefined;
  return (body as Record<string, unknown>)[name];
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Reads `code`, `code_verifier`, `redirect_uri` and the optional `client_id` from the parsed body
 * (JSON or form: Express's `req.body`, koa-passport's, Fastify's), or the message of the first
 * field that is wrong. Nothing is asked of Amazon for a body that fails here.
 */
export function readCodeRequest(req: unknown, rules: BodyRules): CodeToRedeem | { problem: string } {
  const body = typeof req === 'object' && req !== null ? (req as { body?: unknown }).body : undefined;
  const code = field(body, 'code');
  if (typeof code !== 'string') return { problem: CODE_EXCHANGE_MESSAGES.code };
  if (Buffer.byteLength(code) > rules.maxCodeBytes) return { problem: CODE_EXCHANGE_MESSAGES.codeTooLong };
  if (!VISIBLE_ASCII.test(code)) return { problem: CODE_EXCHANGE_MESSAGES.code }; // an empty code too
  const verifier = field(body, 'code_verifier');
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return { problem: CODE_EXCHANGE_MESSAGES.verifier };
  const redirectURI = field(body, 'redirect_uri');
  // Stryker disable next-line ConditionalExpression: equivalent; includes() matches by value, and no value but a string equals a listed URI.
  if (typeof redirectURI !== 'string' || !rules.redirectURIs.includes(redirectURI)) return { problem: CODE_EXCHANGE_MESSAGES.redirectURI };
  const clientID = field(body, 'client_id');
  if (clientID !== undefined && clientID !== rules.clientID) return { problem: CODE_EXCHANGE_MESSAGES.clientID };
  return { code, verifier, redirectURI };
}
