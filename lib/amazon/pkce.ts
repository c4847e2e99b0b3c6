import { createHash, hkdfSync, randomBytes } from 'node:crypto';

/** Random bytes behind each `state`: 256 bits (RFC 6749 §10.10 asks for at least 128). */
const STATE_BYTES = 32;

/** Random bytes behind each verifier seed: 256 bits. */
const SEED_BYTES = 32;

/** Bytes of each derived PKCE verifier: 48 bytes are 64 base64url characters (RFC 7636: 43 to 128). */
const VERIFIER_BYTES = 48;

/** The HKDF label of the verifier key: a key for this one purpose, never the client secret itself. */
const VERIFIER_KEY_LABEL = 'passport-login-with-amazon/pkce-verifier-key/v1';

/** One authorization request's public values and the seed its verifier is derived from. */
export interface AuthorizationSecrets {
  /** base64url, from a CSPRNG; sent to Amazon and echoed back. */
  state: string;
  /** base64url, from a CSPRNG; kept with the pending record. Useless without the server-side key. */
  verifierSeed: string;
  /** base64url(SHA-256(verifier)), sent to Amazon with `code_challenge_method=S256`. */
  challenge: string;
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export function codeChallenge(verifier: string): string {
  // Stryker disable next-line StringLiteral: equivalent; a verifier is base64url, ASCII, the same bytes in Node's default encoding (UTF-8).
  const bytes = Buffer.from(verifier, 'ascii');
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * Derives PKCE verifiers from per-flow seeds under a key only the server has (derived from the
 * client secret with HKDF and a label of its own). The pending record then holds a seed, not the
 * verifier: a record held by the browser (cookie-session, koa-session's cookie store) gives nobody
 * the verifier. The key lives in this closure only, out of `util.inspect` and JSON.
 */
export interface VerifierDeriver {
  /** A fresh `state`, verifier seed and the challenge of the verifier the seed stands for. */
  fresh(): AuthorizationSecrets;
  /** The verifier of a seed (64 base64url characters). */
  verifier(seed: string): string;
}

export function verifierDeriver(serverSecret: string): VerifierDeriver {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), VERIFIER_KEY_LABEL, 32));
  const verifier = (seed: string): string => {
    // Stryker disable next-line StringLiteral: equivalent; '' is Node's default encoding, UTF-8.
    const salt = Buffer.from(seed, 'utf8');
    return Buffer.from(hkdfSync('sha256', key, salt, 'code_verifier', VERIFIER_BYTES)).toString('base64url');
  };
  return {
    fresh() {
      const verifierSeed = randomBytes(SEED_BYTES).toString('base64url');
      return { state: randomBytes(STATE_BYTES).toString('base64url'), verifierSeed, challenge: codeChallenge(verifier(verifierSeed)) };
    },
    verifier,
  };
}

/** A random base64url value of `bytes` bytes from the CSPRNG. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
