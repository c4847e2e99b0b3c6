import { randomBytes } from 'node:crypto';
import { codeChallenge } from '../amazon/pkce.js';
import type { FakeProfile, IssuedToken } from './tokens.js';

/** Seconds an authorization code stays valid (Amazon: 5 minutes). */
export const CODE_TTL_SECONDS = 300;

/** What the fake remembers about a code until it is exchanged or expires. */
interface IssuedCode {
  clientID: string;
  redirectURI: string;
  challenge: string | undefined;
  method: 'S256' | 'plain';
  scopes: readonly string[];
  profile: FakeProfile & { user_id: string };
  expiresAt: number;
  used: boolean;
}

/** What a refresh token stands for. */
interface IssuedRefresh {
  clientID: string;
  scopes: readonly string[];
  profile: FakeProfile & { user_id: string };
  revoked: boolean;
}

/** An RFC 6749 answer of the token endpoint. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const DESCRIPTIONS: Record<string, string> = {
  invalid_request: 'The request is missing a required parameter or is otherwise malformed',
  invalid_client: 'Client authentication failed',
  invalid_grant: 'The authorization grant is invalid, expired, revoked or was issued to another client',
  unsupported_grant_type: 'The authorization grant type is not supported',
};

/** Amazon's error body for the token endpoint: 401 for `invalid_client`, 400 otherwise. */
export function tokenError(error: string): TokenAnswer {
  return { status: error === 'invalid_client' ? 401 : 400, body: { error, error_description: DESCRIPTIONS[error] ?? error } };
}

/** Codes and refresh tokens of the fake's code grant. */
export class CodeGrantBook {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, IssuedRefresh>();

  /** A code for an approved authorization request. */
  issueCode(issued: Omit<IssuedCode, 'used' | 'expiresAt'>, now: number): string {
    const code = `ANfake${randomBytes(15).toString('base64url')}`;
    this.codes.set(code, { ...issued, expiresAt: now + CODE_TTL_SECONDS * 1000, used: false });
    return code;
  }

  /** The code's grant when it is unused, unexpired and bound to this client, redirect URI and verifier; used up on success. */
  redeem(code: string, clientID: string, redirectURI: string | undefined, verifier: string | undefined, now: number): IssuedCode | undefined {
    const issued = this.codes.get(code);
    if (issued === undefined || issued.used || issued.expiresAt <= now) return undefined;
    issued.used = true; // a code is single-use, even when this attempt fails
    if (issued.clientID !== clientID || issued.redirectURI !== redirectURI) return undefined;
    if (issued.challenge !== undefined) {
      if (verifier === undefined || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return undefined;
      const derived = issued.method === 'S256' ? codeChallenge(verifier) : verifier;
      if (derived !== issued.challenge) return undefined;
    } else if (verifier !== undefined) return undefined;
    return issued;
  }

  issueRefreshToken(clientID: string, scopes: readonly string[], profile: FakeProfile & { user_id: string }): string {
    const token = `Atzr|IwEBI${randomBytes(270).toString('base64url')}`;
    this.refreshTokens.set(token, { clientID, scopes, profile, revoked: false });
    return token;
  }

  /** The grant behind a refresh token, if it is known, not revoked and this client's. */
  refreshGrant(token: string, clientID: string): IssuedRefresh | undefined {
    const issued = this.refreshTokens.get(token);
    return issued !== undefined && !issued.revoked && issued.clientID === clientID ? issued : undefined;
  }

  /** Revokes a refresh token; returns whether the fake had issued it. */
  revoke(token: string): boolean {
    const issued = this.refreshTokens.get(token);
    if (issued !== undefined) issued.revoked = true;
    return issued !== undefined;
  }
}

/** A token body as Amazon sends it (no `refresh_token` for a public client). */
export function tokenBody(accessToken: string, issued: IssuedToken, refreshToken: string | undefined): Record<string, unknown> {
  return {
    access_token: accessToken,
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    token_type: 'bearer',
    expires_in: Math.round((issued.expiresAt - issued.issuedAt) / 1000),
  };
}
