import type { IncomingHttpHeaders } from 'node:http';
import type { FaultOptions } from './faults.js';
import { HOST_NAME } from './host-check.js';
import type { AppAuthorization, AppAuthorizeOptions } from './app-sdk.js';
import type { ConsentMode } from './authorize.js';
import type { FakeEndpoint, TokenPlace } from './responses.js';
import type { FakeProfile, IssueTokenOptions } from './tokens.js';

/** Client id of a fake created without `clientID`. */
export const FAKE_CLIENT_ID = 'amzn1.application-oa2-client.fake';
/** App id of a fake created without `appID`. */
export const FAKE_APP_ID = 'amzn1.application.fake';
/** Client secret of a fake created without `clientSecret`. */
export const FAKE_CLIENT_SECRET = 'fake-client-secret-0123456789abcdef0123456789abcdef';
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
  /** The client secret the token endpoint accepts. Default {@link FAKE_CLIENT_SECRET}. */
  clientSecret?: string;
  /** Registered redirect URIs (exact match); more with `allowRedirectURI()`. Default: none. */
  redirectURIs?: readonly string[];
  /** How `/ap/oa` answers: `'approve'` at once, `'deny'` (the user pressed Cancel), or `'page'` (a consent page with Allow and Cancel). Default `'approve'`. */
  consent?: ConsentMode;
  /** The customer who signs in at `/ap/oa`. Default: a random user named "Fake Customer". */
  user?: FakeProfile;
  /** Port on 127.0.0.1. Default `0` (a free port). */
  port?: number;
  /**
   * Serve `POST /tokens?kind=valid|expired|revoked|other-audience`, which issues a token, and
   * `POST /app-codes?redirect_uri=…`, which answers `{ code, code_verifier, redirect_uri }` from
   * `authorizeApp()`, the body an app posts to its backend (no such routes at Amazon). Default `false`.
   */
  tokenRoute?: boolean;
  /**
   * Host names the fake answers to besides loopback (`localhost`, `127.0.0.1`, `[::1]`, any port),
   * e.g. the name a container reaches it by. A request with another `Host` gets a 403 and changes
   * nothing (a defence against DNS rebinding). Default: none.
   */
  allowedHosts?: readonly string[];
}

/** Requests received per endpoint since start or the last `reset()`. */
export interface FakeAmazonCalls {
  tokeninfo: number;
  profile: number;
  token: number;
  /** Visits of the authorization page `/ap/oa` (not an API endpoint: not in `requests`, no faults). */
  authorization: number;
}

/** One request the fake received. */
export interface FakeRequest {
  endpoint: FakeEndpoint;
  method: string;
  /** Every place the request carried a token, accepted by the endpoint or not. */
  tokenIn: TokenPlace[];
  headers: IncomingHttpHeaders;
  /** The request target's query string (`''` when none): a test can check that no secret travelled in a URL. */
  search: string;
  /** Names of the form fields (token endpoint only; the values are not kept). */
  formFields?: string[];
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
  /** The client secret the token endpoint accepts. */
  readonly clientSecret: string;
  /** The authorization page URL, `${url}/ap/oa`, and the token endpoint, `${url}/auth/o2/token`. */
  readonly codeGrant: { authorizationURL: string; tokenURL: string; profileURL: string };
  /** How `/ap/oa` answers next (writable). */
  consent: ConsentMode;
  /** Registers a redirect URI (exact match), e.g. once the app under test knows its port. */
  allowRedirectURI(uri: string): void;
  /** Sets the customer who signs in at `/ap/oa` next. */
  signInAs(profile: FakeProfile): void;
  /**
   * Does what an app's Login with Amazon SDK (Android, iOS) does for an authorization code: asks
   * for a code with an S256 PKCE challenge for a registered app redirect URI (`amzn://…`), as the
   * customer of `signInAs()` tapping Allow. Returns the code and the verifier, for the app to post
   * to its backend. `/auth/o2/token` exchanges such a code with the client secret (refresh token
   * included) or without it (a public client: the verifier is required, no refresh token).
   * Counts as an authorization page visit.
   *
   * @example
   * const { code, verifier, redirectURI } = amazon.authorizeApp({ redirectURI: 'amzn://com.example.shop' });
   */
  authorizeApp(options: AppAuthorizeOptions): AppAuthorization;
  /** A snapshot of the call counts. */
  readonly calls: FakeAmazonCalls;
  /** The last {@link MAX_LOGGED_REQUESTS} requests, oldest first. */
  readonly requests: readonly FakeRequest[];
  /** Issues a token for `profile` (default: a random user) and returns it. */
  issueToken(profile?: FakeProfile, options?: IssueTokenOptions): string;
  /** Revokes an access or refresh token; returns whether the fake had issued it. */
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
export function checkOptions(options: unknown): Required<Omit<FakeAmazonOptions, 'user'>> & { user: FakeProfile } {
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
  if (o.clientSecret !== undefined && (typeof o.clientSecret !== 'string' || o.clientSecret === '')) throw new TypeError('"clientSecret" must be a non-empty string');
  const redirectURIs = o.redirectURIs ?? [];
  if (!Array.isArray(redirectURIs) || !redirectURIs.every((u) => typeof u === 'string')) throw new TypeError('"redirectURIs" must be an array of strings');
  const consent = o.consent ?? 'approve';
  if (!['approve', 'deny', 'page'].includes(consent)) throw new TypeError('"consent" must be \'approve\', \'deny\' or \'page\'');
  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('"port" must be an integer from 0 to 65535');
  if (o.tokenRoute !== undefined && typeof o.tokenRoute !== 'boolean') throw new TypeError('"tokenRoute" must be a boolean');
  const allowedHosts = o.allowedHosts ?? [];
  if (!Array.isArray(allowedHosts) || !allowedHosts.every((h) => typeof h === 'string' && HOST_NAME.test(h))) {
    throw new TypeError('"allowedHosts" must be an array of host names (letters, digits, dots and dashes; no port)');
  }
  return {
    port, tokenRoute: o.tokenRoute ?? false, allowedHosts: allowedHosts.map((h: string) => h.toLowerCase()),
    clientID: o.clientID ?? FAKE_CLIENT_ID, appID: o.appID ?? FAKE_APP_ID, latencyMs, now: o.now ?? Date.now,
    clientSecret: o.clientSecret ?? FAKE_CLIENT_SECRET, redirectURIs: [...redirectURIs] as string[], consent,
    user: o.user ?? { name: 'Fake Customer', email: 'customer@example.com' },
  };
}
