import { createHash, randomBytes } from 'node:crypto';

/** Random bytes behind each `state`: 256 bits (RFC 6749 §10.10 asks for at least 128). */
const STATE_BYTES = 32;

/** Random bytes behind each PKCE verifier: 48 bytes are 64 base64url characters (RFC 7636: 43 to 128). */
const VERIFIER_BYTES = 48;

/** One authorization request's secrets: the `state` sent to Amazon and the PKCE pair. */
export interface AuthorizationSecrets {
  /** base64url, from a CSPRNG; sent to Amazon and echoed back. */
  state: string;
  /** base64url, from a CSPRNG; kept server-side, sent only to the token endpoint. */
  verifier: string;
  /** base64url(SHA-256(verifier)), sent to Amazon with `code_challenge_method=S256`. */
  challenge: string;
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh `state` and PKCE verifier/challenge pair. */
export function authorizationSecrets(): AuthorizationSecrets {
  const verifier = randomBytes(VERIFIER_BYTES).toString('base64url');
  return { state: randomBytes(STATE_BYTES).toString('base64url'), verifier, challenge: codeChallenge(verifier) };
}
