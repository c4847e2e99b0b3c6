import type { IncomingHttpHeaders } from 'node:http';
import type { FaultOptions } from './faults.js';
import type { FakeEndpoint, TokenPlace } from './responses.js';
import type { FakeProfile, IssueTokenOptions } from './tokens.js';

/** Client id of a fake created without `clientID`. */
export const FAKE_CLIENT_ID = 'amzn1.application-oa2-client.fake';
/** App id of a fake created without `appID`. */
export const FAKE_APP_ID = 'amzn1.application.fake';
/** How many requests `amazon.requests` keeps (the oldest are forgotten first). */
export const MAX_LOGGED_REQUESTS = 1000;


/** Options of {@link createFakeAmazon}. */
export interface FakeAmazonOptions {
  /** Default `aud` of issued tokens. Default {@link FAKE_CLIENT_ID}. */
  clientID?: string;
  /** Default `app_id` of issued tokens. Default {@link FAKE_APP_ID}. */
  appID?: string;
  /** Milliseconds every answer waits. Default `0`. */
  latencyMs?: number;
  /** The clock, epoch milliseconds (for expiry tests). Default `Date.now`. */
  now?: () => number;
}

/** Requests received per endpoint since start or the last `reset()`. */
export interface FakeAmazonCalls {
  tokeninfo: number;
  profile: number;
}

/** One request the fake received. */
export interface FakeRequest {
  endpoint: FakeEndpoint;
  method: string;
  /** Every place the request carried a token, accepted by the endpoint or not. */
  tokenIn: TokenPlace[];
  headers: IncomingHttpHeaders;
}

/** A running fake Login with Amazon; see {@link createFakeAmazon}. */
export interface FakeAmazon {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Options for `new LoginWithAmazonStrategy({ clientID, ...amazon.endpoints }, verify)`. */
  readonly endpoints: { tokenInfoURL: string; profileURL: string };
  /** Default `aud` of issued tokens: configure the strategy's `clientID` with it. */
  readonly clientID: string;
  /** Default `app_id` of issued tokens. */
  readonly appID: string;
  /** A snapshot of the call counts. */
  readonly calls: FakeAmazonCalls;
  /** The last {@link MAX_LOGGED_REQUESTS} requests, oldest first. */
  readonly requests: readonly FakeRequest[];
  /** Issues a token for `profile` (default: a random user) and returns it. */
  issueToken(profile?: FakeProfile, options?: IssueTokenOptions): string;
  /** Revokes a token; returns whether the fake had issued it. */
  revoke(token: string): boolean;
  /**
   * Makes the next `times` calls of an endpoint misbehave (default: every call until `reset()`).
   * Faults queue up, first in first out.
   *
   * @example
   * amazon.fault('tokeninfo', { status: 500, times: 1 }); // one 500, then normal answers
   * amazon.fault('profile', { drop: true });              // connection reset until reset()
   */
  fault(endpoint: FakeEndpoint, options: FaultOptions): void;
  /** Clears faults, call counts and the request log; issued and revoked tokens stay. */
  reset(): void;
  /** Stops the server, drops open connections and pending delayed answers. Safe to call twice. */
  close(): Promise<void>;
}

/** Validates the options of `createFakeAmazon` and applies the defaults. */
export function checkOptions(options: unknown): Required<FakeAmazonOptions> {
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object');
  const o = options as FakeAmazonOptions;
  for (const key of ['clientID', 'appID'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) {
      throw new TypeError(`"${key}" must be a non-empty string`);
    }
  }
  const latencyMs = o.latencyMs ?? 0;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
    throw new TypeError('"latencyMs" must be a non-negative number');
  }
  if (o.now !== undefined && typeof o.now !== 'function') throw new TypeError('"now" must be a function');
  return { clientID: o.clientID ?? FAKE_CLIENT_ID, appID: o.appID ?? FAKE_APP_ID, latencyMs, now: o.now ?? Date.now };
}
