/**
 * Where an authorization request's `state` waits for Amazon's redirect back: in the session by
 * default, or in an app's own {@link StateStore}. A record is single-use and expires.
 */

/** What is kept server-side between the redirect to Amazon and the callback. */
export interface StoredState {
  /** The PKCE verifier (a secret: it never leaves the server except to the token endpoint). */
  verifier: string;
  /** The `redirect_uri` sent to Amazon; the token request repeats it. */
  redirectURI: string;
  /** Epoch milliseconds after which the record is refused. */
  expiresAt: number;
  /** The app's `state` option of `passport.authenticate()`, handed back in `req.authInfo.state`. */
  appState?: unknown;
}

/**
 * A store of pending authorization requests, for apps that keep state elsewhere than in the
 * session. `take` must be single-use: it returns the record at most once (delete it as you read
 * it), and `undefined` for an unknown key. Bind records to the user agent yourself if you need to
 * (the session store does).
 *
 * @example
 * const pending = new Map<string, StoredState>();
 * const store: StateStore = {
 *   async save(_req, state, record) { pending.set(state, record); },
 *   async take(_req, state) { const r = pending.get(state); pending.delete(state); return r; },
 * };
 */
export interface StateStore<Req = any> {
  save(req: Req, state: string, record: StoredState): Promise<void>;
  take(req: Req, state: string): Promise<StoredState | undefined>;
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
  return {
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
}
