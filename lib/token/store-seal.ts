import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { RefusalReason } from '../diagnostics/channels.js';
import { tokenInfoProfile, toProfile } from '../amazon/profile.js';
import { assertAudience, parseTokenInfo, type Audience, type TokenInfo } from '../amazon/tokeninfo.js';
import { expiresAt, type Validation } from '../amazon/validation.js';

/**
 * How far in the future another process's clock may put an approval's time (hosts' clocks drift
 * apart by milliseconds to seconds). Such an entry is served as if just approved.
 */
export const MAX_CLOCK_SKEW_MS = 5000;

/** The entry format: 3 since the store key and the value MAC have keys of their own (entries of 2 are misses). */
export const ENTRY_VERSION = 3;
/** HKDF-SHA256 `info` of the key that turns a token into its store key. */
export const STORE_KEY_LABEL = 'passport-login-with-amazon/cache/store-key/v3';
/** HKDF-SHA256 `info` of the key of the value MAC. */
export const MAC_KEY_LABEL = 'passport-login-with-amazon/cache/value-mac/v3';

/** What an entry is bound to: whoever reads it must ask the same endpoints for the same audience. */
export interface StoreBinding extends Audience {
  tokenInfoURL: string;
  profileURL: string;
  /** `false`: the reader wants tokeninfo-only approvals (`profile: false`). Default `true`. */
  profile?: boolean;
}

/** Where a token's entry lives under one secret, and the key its MAC is made with. */
export interface EntryKey {
  key: string;
  macKey: Buffer;
}

/** What is written: the approval as text, and an HMAC over the key, the binding and that text. */
export interface Sealed {
  v: typeof ENTRY_VERSION;
  data: string;
  mac: string;
}

/**
 * The approval inside {@link Sealed.data} (covered by the MAC, so its kind cannot be changed).
 * A full approval has `profile`; a tokeninfo-only one (`profile: false`) has `tokenInfoBody`
 * instead, so that a reader predating `profile: false` takes it for a miss, never for a profile.
 */
interface Payload {
  tokenInfo: unknown;
  /** The profile body as Amazon sent it (full approvals). */
  profile?: string;
  /** The tokeninfo body as Amazon sent it (tokeninfo-only approvals). */
  tokenInfoBody?: string;
  askedAt: number;
}

const derive = (secret: string, label: string): Buffer => Buffer.from(hkdfSync('sha256', secret, '', label, 32));
const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/**
 * Seals and opens entries of the shared store. Each secret gives two keys (HKDF-SHA256 with
 * distinct labels): one turns a token into its store key, the other makes the value MAC. So the
 * store keys anyone can watch (a `forget()` deletes one) never tell a MAC.
 */
export class Sealer {
  private readonly secrets: readonly { storeKey: Buffer; macKey: Buffer }[];
  private readonly context: string;

  constructor(secrets: readonly string[], private readonly prefix: string, private readonly binding: StoreBinding, private readonly ttl: number) {
    this.secrets = secrets.map((secret) => ({ storeKey: derive(secret, STORE_KEY_LABEL), macKey: derive(secret, MAC_KEY_LABEL) }));
    const { clientIDs, appIDs, tokenInfoURL, profileURL } = binding;
    this.context = JSON.stringify([[...clientIDs].sort(), [...appIDs].sort(), tokenInfoURL, profileURL]);
  }

  /** The token's key under each secret (the first is where it is written). */
  keys(token: string): EntryKey[] {
    return this.secrets.map(({ storeKey, macKey }) => ({ key: this.prefix + hmac(storeKey, token).toString('base64url'), macKey }));
  }

  seal({ key, macKey }: EntryKey, validation: Validation): Sealed {
    const { tokenInfo, profile, askedAt } = validation;
    const payload: Payload = validation.tokenInfoOnly === true
      ? { tokenInfo, tokenInfoBody: profile._raw, askedAt }
      : { tokenInfo, profile: profile._raw, askedAt };
    const data = JSON.stringify(payload);
    return { v: ENTRY_VERSION, data, mac: this.mac(macKey, key, data).toString('base64url') };
  }

  private mac(macKey: Buffer, key: string, data: string): Buffer {
    return hmac(macKey, `${key}\n${this.context}\n${data}`);
  }

  /** Checks a stored value: MAC (constant time), age, expiry, shape, audience, one user; the reason when refused. */
  open(value: unknown, { key, macKey }: EntryKey): Validation | RefusalReason {
    if (typeof value !== 'object' || value === null) return 'shape';
    const { v, data, mac } = value as Partial<Sealed>;
    if (v !== ENTRY_VERSION || typeof data !== 'string' || typeof mac !== 'string') return 'shape';
    const expected = this.mac(macKey, key, data);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'mac';
    let info: TokenInfo;
    let validation: Validation | undefined;
    try {
      const payload = JSON.parse(data) as Payload;
      const { askedAt } = payload;
      const now = Date.now();
      if (typeof askedAt !== 'number' || !(askedAt <= now + MAX_CLOCK_SKEW_MS)) return 'age';
      if (now - askedAt >= this.ttl) return 'age';
      info = parseTokenInfo(payload.tokenInfo);
      validation = this.approval(payload, info, askedAt);
      if (validation && expiresAt(validation) - now < 1000) return 'age';
    } catch {
      return 'shape';
    }
    if (!validation) return 'shape';
    try {
      assertAudience(info, this.binding);
    } catch {
      return 'audience';
    }
    return validation;
  }

  /**
   * The approval in the form this reader serves. A strategy that wants the profile takes only a
   * full approval; a tokeninfo-only strategy takes either, a full one trimmed to the tokeninfo-only
   * profile (built from the stored tokeninfo fields), so its verify always sees the same shape.
   */
  private approval(payload: Payload, info: TokenInfo, askedAt: number): Validation | undefined {
    const wantsProfile = this.binding.profile !== false;
    const { profile, tokenInfoBody } = payload;
    if (typeof profile === 'string') {
      const full: Validation = { tokenInfo: info, profile: toProfile(profile, JSON.parse(profile) as unknown), askedAt };
      if (full.profile.id !== info.user_id) return undefined;
      if (wantsProfile) return full;
      const raw = JSON.stringify(payload.tokenInfo);
      return { tokenInfo: info, profile: tokenInfoProfile(info, raw, JSON.parse(raw) as unknown), askedAt, tokenInfoOnly: true };
    }
    if (wantsProfile || typeof tokenInfoBody !== 'string') return undefined;
    return { tokenInfo: info, profile: tokenInfoProfile(info, tokenInfoBody, JSON.parse(tokenInfoBody) as unknown), askedAt, tokenInfoOnly: true };
  }
}
