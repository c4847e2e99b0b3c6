/**
 * The pending sign-ins of one strategy: started on the redirect leg (state, PKCE challenge,
 * record, browser binding), found and used up on the callback leg.
 */
import { verifierDeriver, type VerifierDeriver } from '../amazon/pkce.js';
import { bindToBrowser, isBoundBrowser, type BindingScope } from './binding.js';
import type { ResolvedOAuth2Options, Scope } from './options.js';
import { isBoundToBrowser, isStoredState, type StateStoreContext, type StoredState } from './state-store.js';

/** Longest `state` looked up (ours are 43 characters). */
const MAX_STATE_LENGTH = 512;

type PendingConfig = Pick<ResolvedOAuth2Options, 'name' | 'callbackURL' | 'stateTTL' | 'store' | 'authorizationURL' | 'clientID' | 'timeout' | 'maxPendingPerBrowser'>;

/**
 * A store's answer within `timeout` milliseconds, else an error: a store that never answers must
 * not leave the request without one.
 */
function withinTime<T>(answer: Promise<T>, timeout: number, what: 'save' | 'take'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`the state store's ${what}() did not answer within "timeout" (${String(timeout)} ms)`)); }, timeout);
  });
  return Promise.race([answer, late]).finally(() => { clearTimeout(timer); });
}

export class PendingSignIns {
  private readonly config: PendingConfig;
  /** Verifiers from per-flow seeds under a key derived from the client secret (held in a closure only). */
  private readonly pkce: VerifierDeriver;
  /** What the store and the binding cookie are told of this strategy. */
  private readonly scope: StateStoreContext & BindingScope;
  /** Whether the store binds records to the browser itself (session, cookieStateStore); else the strategy does. */
  private readonly boundToBrowser: boolean;

  constructor(config: PendingConfig, clientSecret: string) {
    this.config = config;
    this.pkce = verifierDeriver(clientSecret);
    this.scope = { strategy: config.name, callbackURL: config.callbackURL, ttl: config.stateTTL, maxPendingPerBrowser: config.maxPendingPerBrowser };
    this.boundToBrowser = isBoundToBrowser(config.store);
  }

  /** Stores a new pending sign-in (bound to this browser) and returns the authorization page URL. */
  async start(req: unknown, scope: readonly Scope[], appState: unknown): Promise<string> {
    const { config } = this;
    const { state, verifierSeed, challenge } = this.pkce.fresh();
    const record: StoredState = { verifierSeed, redirectURI: config.callbackURL, expiresAt: Date.now() + config.stateTTL, requestedScope: [...scope] };
    if (!this.boundToBrowser) record.binding = bindToBrowser(req, state, this.scope);
    if (appState !== undefined) record.appState = appState;
    await withinTime(Promise.resolve(config.store.save(req, state, record, this.scope)), config.timeout, 'save');
    const url = new URL(config.authorizationURL);
    url.search = new URLSearchParams({
      client_id: config.clientID, scope: scope.join(' '), response_type: 'code', redirect_uri: config.callbackURL,
      state, code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }

  /**
   * The pending sign-in of a callback's `state`, taken (single-use) from the store, when it is
   * well-formed, unexpired and, for an app's own store, bound to this browser; else `undefined`.
   */
  async take(req: unknown, state: unknown): Promise<StoredState | undefined> {
    if (typeof state !== 'string' || state === '' || state.length > MAX_STATE_LENGTH) return undefined;
    const record: unknown = await withinTime(Promise.resolve(this.config.store.take(req, state, this.scope)), this.config.timeout, 'take');
    const binding = typeof record === 'object' && record !== null ? (record as { binding?: unknown }).binding : undefined;
    const bound = this.boundToBrowser || isBoundBrowser(req, state, binding, this.scope);
    return isStoredState(record) && record.expiresAt > Date.now() && bound ? record : undefined;
  }

  /** The PKCE verifier of a pending sign-in (derived, never stored). */
  verifier(record: StoredState): string {
    return this.pkce.verifier(record.verifierSeed);
  }
}
