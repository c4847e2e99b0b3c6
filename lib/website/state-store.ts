/**
 * Where an authorization request's `state` waits for Amazon's redirect back: in the session by
 * default, or in an app's own {@link StateStore}. A record is single-use and expires.
 */

/** What is kept between the redirect to Amazon and the callback: nothing in it is the PKCE verifier. */
export interface StoredState {
  /**
   * Random per sign-in (256 bits). The PKCE verifier is derived from it under a key derived from
   * the client secret, so whoever reads the record (a cookie-held session) cannot compute it.
   */
  verifierSeed: string;
  /** The `redirect_uri` sent to Amazon; the token request repeats it. */
  redirectURI: string;
  /** Epoch milliseconds after which the record is refused. */
  expiresAt: number;
  /** The scopes asked for on the redirect leg (reported as `requestedScope` when Amazon names none). */
  requestedScope: string[];
  /**
   * base64url(SHA-256) of the nonce in the browser's binding cookie: set by the strategy for every
   * store but the session store and `cookieStateStore` (which are bound to the browser already).
   */
  binding?: string;
  /** The app's `state` option of `passport.authenticate()`, handed back in `req.authInfo.state`. */
  appState?: unknown;
}

/** Which strategy asks: a store shared by several strategies keeps their records apart with it. */
export interface StateStoreContext {
  /** The strategy's name (`'amazon'` unless `name` says otherwise). */
  strategy: string;
  /** The strategy's `callbackURL`. */
  callbackURL: string;
  /** The strategy's `maxPendingPerBrowser`: `cookieStateStore` keeps at most this many sealed cookies per browser. */
  maxPendingPerBrowser?: number;
}

/**
 * A store of pending authorization requests, for apps that keep state elsewhere than in the
 * session. The contract:
 * - `take` is single-use: it returns a record at most once (delete it as you read it), and
 *   `undefined` for an unknown key;
 * - records may be kept by `state` alone: the strategy binds each one to the browser that started
 *   the sign-in itself (a nonce in a short-lived `HttpOnly` cookie whose hash is in `binding`), and
 *   refuses it in any other browser with the bad-state 403;
 * - the store is bounded: it honours `expiresAt` (the strategy refuses expired records anyway, but
 *   a store that only forgets on `take` grows with every abandoned sign-in) and caps its size.
 *
 * @example
 * const MAX_PENDING = 10_000;
 * const pending = new Map<string, StoredState>(); // one process; use Redis (with EX) across several
 * const store: StateStore = {
 *   async save(_req, state, record) {
 *     const now = Date.now();
 *     for (const [key, r] of pending) { if (r.expiresAt > now) break; pending.delete(key); } // oldest first
 *     if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
 *     pending.set(state, record);
 *   },
 *   async take(_req, state) { const r = pending.get(state); pending.delete(state); return r; },
 * };
 */
export interface StateStore<Req = any> {
  save(req: Req, state: string, record: StoredState, context: StateStoreContext): Promise<void>;
  take(req: Req, state: string, context: StateStoreContext): Promise<StoredState | undefined>;
}

/**
 * Marks the built-in stores whose records are bound to the browser already (the session, a
 * sealed cookie): the strategy adds no binding cookie for them.
 */
export const BOUND_TO_BROWSER: unique symbol = Symbol('passport-login-with-amazon.boundToBrowser');

/** Whether a store is one of the built-in browser-bound ones. */
export function isBoundToBrowser(store: StateStore): boolean {
  return (store as { [BOUND_TO_BROWSER]?: unknown })[BOUND_TO_BROWSER] === true;
}

/**
 * The session key under which pending requests wait: `req.session['passport-login-with-amazon']`,
 * an object with one entry per strategy name, each holding records by `state`.
 */
export const SESSION_KEY = 'passport-login-with-amazon';

/** Most pending requests kept per session and strategy (several tabs); the oldest go first. */
export const MAX_PENDING_PER_SESSION = 5;

type Pending = Record<string, Record<string, StoredState>>;

/** A session of express-session, koa-session, cookie-session (properties) or @fastify/secure-session (`get`/`set`). */
interface SessionLike {
  get?: (key: string) => unknown;
  set?: (key: string, value: unknown) => void;
  [key: string]: unknown;
}

/** The request's session, or `undefined` when no session middleware ran. */
export function sessionOf(req: unknown): SessionLike | undefined {
  const session = typeof req === 'object' && req !== null ? (req as { session?: unknown }).session : undefined;
  return typeof session === 'object' && session !== null ? (session as SessionLike) : undefined;
}

function hasAccessors(session: SessionLike): session is SessionLike & { get: (key: string) => unknown; set: (key: string, value: unknown) => void } {
  return typeof session.get === 'function' && typeof session.set === 'function';
}

function read(session: SessionLike): Pending {
  const value = hasAccessors(session) ? session.get(SESSION_KEY) : session[SESSION_KEY];
  return typeof value === 'object' && value !== null ? (value as Pending) : {};
}

function write(session: SessionLike, pending: Pending): void {
  // A new object every time, so that sessions which watch assignments (secure-session) see the change.
  if (hasAccessors(session)) session.set(SESSION_KEY, pending);
  else session[SESSION_KEY] = pending;
}

/** The default store: pending requests in the request's session, under {@link SESSION_KEY}, per strategy name. */
export function sessionStore(name: string): StateStore {
  const store: StateStore & { [BOUND_TO_BROWSER]: true } = {
    [BOUND_TO_BROWSER]: true,
    save(req, state, record) {
      const session = sessionOf(req);
      if (!session) return Promise.reject(new Error('no session'));
      const pending = read(session);
      const entries = Object.entries(pending[name] ?? {}).slice(-(MAX_PENDING_PER_SESSION - 1));
      write(session, { ...pending, [name]: Object.fromEntries([...entries, [state, record]]) });
      return Promise.resolve();
    },
    take(req, state) {
      const session = sessionOf(req);
      if (!session) return Promise.resolve(undefined);
      const pending = read(session);
      const mine = pending[name] ?? {};
      if (!Object.hasOwn(mine, state)) return Promise.resolve(undefined);
      const record = mine[state];
      const rest = Object.fromEntries(Object.entries(mine).filter(([key]) => key !== state));
      write(session, { ...pending, [name]: rest });
      return Promise.resolve(record);
    },
  };
  return store;
}

/**
 * Whether a store's answer has the shape of a record this version wrote: a store that answers
 * garbage (or a record of an older version, which held the verifier itself) gets the bad-state 403.
 */
export function isStoredState(value: unknown): value is StoredState {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Record<keyof StoredState, unknown>>;
  return typeof r.verifierSeed === 'string' && r.verifierSeed !== '' && typeof r.redirectURI === 'string' &&
    typeof r.expiresAt === 'number' && Array.isArray(r.requestedScope) && r.requestedScope.every((s) => typeof s === 'string') &&
    (r.binding === undefined || typeof r.binding === 'string');
}
