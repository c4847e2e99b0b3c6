/**
 * Compiled by test/package.test.ts with test/types/tsconfig.json: every public type, used the way
 * an app would, against the built declarations. The @ts-expect-error lines prove the types bite.
 */
import { Passport } from 'passport';
import LoginWithAmazonStrategyDefault, {
  AUTHENTICATE_CHANNEL,
  CACHE_CHANNEL,
  UPSTREAM_CHANNEL,
  type AuthenticateContext,
  type AuthenticateOutcome,
  type CacheAnswer,
  type CacheEvent,
  type RefusalReason,
  type StoreOperation,
  type UpstreamContext,
  CACHE_DEFAULTS,
  DEFAULTS,
  MIN_SECRET_LENGTH,
  UNDEFINED_USER_MESSAGE,
  LoginWithAmazonError,
  LoginWithAmazonStrategy,
  MAX_RESPONSE_BYTES,
  MAX_TOKEN_BYTES,
  REGIONS,
  type AmazonProfile,
  type AmazonProfileJson,
  type BearerErrorCode,
  type CacheOptions,
  type CacheStore,
  type Endpoint,
  type LoginWithAmazonAuthInfo,
  type LoginWithAmazonBaseOptions,
  type LoginWithAmazonErrorCode,
  type LoginWithAmazonErrorDetails,
  type LoginWithAmazonStrategyOptions,
  type LoginWithAmazonStrategyOptionsWithBoolean,
  type LoginWithAmazonStrategyOptionsWithRequest,
  type Region,
  type RegionEndpoints,
  type TokenInfo,
  type TokenSource,
  type TokenValidator,
  type Validation,
  type VerifyDone,
  type VerifyFunction,
  type VerifyFunctionWithRequest,
  type VerifyInfo,
  AUTHORIZATION_HOSTS,
  CALLBACK_MESSAGES,
  LoginWithAmazonOAuth2Strategy,
  MAX_PENDING_PER_SESSION,
  OAUTH2_DEFAULTS,
  SCOPES,
  SESSION_KEY,
  type LoginWithAmazonAuthenticateOptions,
  type LoginWithAmazonGrant,
  type LoginWithAmazonOAuth2Info,
  type LoginWithAmazonOAuth2Options,
  type LoginWithAmazonTokenSet,
  type Scope,
  type StateStore,
  type StateStoreContext,
  type StoredState,
  cookieStateStore,
  fastifyReplyHook,
  MAX_STATE_COOKIE_LENGTH,
  MIN_COOKIE_SECRET_LENGTH,
  type CookieStateStoreOptions,
  type LoginWithAmazonSignInGrant,
  CODE_EXCHANGE_DEFAULTS,
  CODE_EXCHANGE_MESSAGES,
  LoginWithAmazonCodeExchangeStrategy,
  type LoginWithAmazonCodeExchangeInfo,
  type LoginWithAmazonCodeExchangeOptions,
} from 'passport-login-with-amazon';
import {
  CODE_TTL_SECONDS,
  FAKE_CLIENT_SECRET,
  type AppAuthorization,
  type ConsentMode,
  FAKE_APP_ID,
  FAKE_CLIENT_ID,
  MAX_LOGGED_REQUESTS,
  createFakeAmazon,
  type FakeAmazon,
  type FakeAmazonCalls,
  type FakeAmazonOptions,
  type FakeEndpoint,
  type FakeProfile,
  type FakeRequest,
  type FaultOptions,
  type IssueTokenOptions,
  type TokenPlace,
} from 'passport-login-with-amazon/testing';
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  instrumentLoginWithAmazon,
  type LoginWithAmazonInstrumentation,
  type LoginWithAmazonInstrumentationOptions,
} from 'passport-login-with-amazon/opentelemetry';
import dc from 'node:diagnostics_channel';

interface User { id: string; email: string | undefined }

const sources: TokenSource[] = ['header', 'amz-header', 'body', 'query'];
const region: Region = 'EU';
const endpoints: RegionEndpoints = REGIONS[region];
const store: CacheStore = { get: async () => undefined, set: async () => true, delete: async () => true };
const cache: CacheOptions = {
  ttl: CACHE_DEFAULTS.ttl, max: 100, negativeTtl: 0, negativeMax: 100, store, storeTimeout: 100, prefix: 'app:',
  secret: ['x'.repeat(MIN_SECRET_LENGTH), 'y'.repeat(32)],
};
const base: LoginWithAmazonBaseOptions = { clientID: ['a', 'b'], appID: 'app', region, tokenSources: sources, cache };
const options: LoginWithAmazonStrategyOptions = { ...base, ...endpoints, timeout: 2000, retries: 0, realm: 'API', name: 'lwa' };
const withRequest: LoginWithAmazonStrategyOptionsWithRequest = { clientID: 'a', passReqToCallback: true, cache: false };

const toUser = (profile: AmazonProfile): User => {
  const json: AmazonProfileJson = profile._json;
  return { id: profile.id, email: profile.emails?.[0]?.value ?? json.email };
};
const callbackStyle: VerifyFunction = (accessToken: string, refreshToken: string | undefined, profile, done: VerifyDone) => {
  done(null, refreshToken === undefined && accessToken.startsWith('Atza|') ? toUser(profile) : false, { message: 'no' });
};
const promiseStyle: VerifyFunction = async (_accessToken, _refreshToken, profile) => toUser(profile);
const withReq: VerifyFunctionWithRequest<{ ip: string }> = (req, _accessToken, _refreshToken, profile, done) => {
  done(null, { ...toUser(profile), ip: req.ip });
};

const passport = new Passport();
passport.use(new LoginWithAmazonStrategy(options, callbackStyle));
passport.use(new LoginWithAmazonStrategyDefault({ clientID: 'a' }, promiseStyle));
passport.use(new LoginWithAmazonStrategy(withRequest, withReq));
const name: string = new LoginWithAmazonStrategy({ clientID: 'a' }, promiseStyle).name;
// passReqToCallback known only at run time: a plain boolean compiles (the third overload).
const fromEnv: boolean = process.env.PASS_REQ === '1';
const withBoolean: LoginWithAmazonStrategyOptionsWithBoolean = { clientID: 'a', passReqToCallback: fromEnv };
const either = new LoginWithAmazonStrategy({ clientID: 'a', passReqToCallback: fromEnv }, fromEnv ? withReq : promiseStyle);
new LoginWithAmazonStrategy(withBoolean, callbackStyle);
const forgotten: Promise<void> = either.forget('Atza|x');
either.close();
const info: VerifyInfo = { message: 'no such user' };
const withInfo: VerifyFunction = (_a, _r, _p, done) => { done(null, false, info); done(null, false, 'plain message'); };
const authInfo = (req: { authInfo?: unknown }): string | undefined => (req.authInfo as LoginWithAmazonAuthInfo | undefined)?.tokenInfo.aud;
const sourcesByDefault: readonly TokenSource[] = DEFAULTS.tokenSources;
const undefinedUser: string = UNDEFINED_USER_MESSAGE;
new LoginWithAmazonStrategy({ clientID: 'a', cache: true }, promiseStyle);

class CountingValidator implements TokenValidator {
  count = 0;
  constructor(private readonly inner: TokenValidator) {}
  async validate(token: string): Promise<Validation> {
    this.count += 1;
    const validation = await this.inner.validate(token);
    const info: TokenInfo = validation.tokenInfo;
    return { tokenInfo: info, profile: validation.profile, askedAt: validation.askedAt };
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof LoginWithAmazonError)) return 'other';
  const code: LoginWithAmazonErrorCode = err.code;
  const endpoint: Endpoint | undefined = err.endpoint;
  const status: number = err.status;
  const upstream: number | undefined = err.upstreamStatus;
  return `${code} ${endpoint ?? '-'} ${status} ${upstream ?? '-'} ${err.requestId ?? '-'}`;
}
const details: LoginWithAmazonErrorDetails = { endpoint: 'profile', upstreamStatus: 503 };
const made = new LoginWithAmazonError('LWA_UPSTREAM_STATUS', 'profile answered an unexpected HTTP status', details);
const bearer: BearerErrorCode = 'insufficient_scope';
const limits: number = MAX_TOKEN_BYTES + MAX_RESPONSE_BYTES + MAX_LOGGED_REQUESTS;

async function withFake(): Promise<FakeAmazonCalls> {
  const fakeOptions: FakeAmazonOptions = { clientID: FAKE_CLIENT_ID, appID: FAKE_APP_ID, latencyMs: 0, now: Date.now };
  const amazon: FakeAmazon = await createFakeAmazon(fakeOptions);
  const who: FakeProfile = { user_id: 'amzn1.account.A', name: 'A', email: 'a@example.com' };
  const how: IssueTokenOptions = { scopes: ['profile'], expiresIn: 60, aud: FAKE_CLIENT_ID };
  const token: string = amazon.issueToken(who, how);
  const fault: FaultOptions = { status: 503, times: 1 };
  const endpoint: FakeEndpoint = 'tokeninfo';
  amazon.fault(endpoint, fault);
  amazon.revoke(token);
  const seen: readonly FakeRequest[] = amazon.requests;
  const places: TokenPlace[] = seen.flatMap((request) => request.tokenIn);
  new LoginWithAmazonStrategy({ clientID: amazon.clientID, ...amazon.endpoints }, promiseStyle);
  await amazon.close();
  return places.length >= 0 ? amazon.calls : amazon.calls;
}

async function websiteSignIn(amazon: FakeAmazon): Promise<[LoginWithAmazonTokenSet, unknown[]]> {
  const pending = new Map<string, StoredState>();
  const store: StateStore = {
    save: async (_req, state, record) => { pending.set(state, record); },
    take: async (_req, state, context: StateStoreContext) => { const record = context.strategy === 'amazon' ? pending.get(state) : undefined; pending.delete(state); return record; },
  };
  const cookieOptions: CookieStateStoreOptions = { secret: ['x'.repeat(MIN_COOKIE_SECRET_LENGTH), 'y'.repeat(MIN_COOKIE_SECRET_LENGTH)] };
  const sealed: StateStore = cookieStateStore(cookieOptions);
  const hook: (request: object, reply: object, done: (err?: Error) => void) => void = fastifyReplyHook;
  const requested = (g: LoginWithAmazonSignInGrant): string[] | undefined => g.scope ?? g.requestedScope;
  const scopes: Scope[] = [...OAUTH2_DEFAULTS.scope, 'postal_code'];
  const options: LoginWithAmazonOAuth2Options = {
    clientID: amazon.clientID, clientSecret: amazon.clientSecret, callbackURL: 'https://app.example.com/cb', scope: scopes, store, ...amazon.codeGrant,
  };
  const strategy = new LoginWithAmazonOAuth2Strategy(options, promiseStyle);
  new LoginWithAmazonOAuth2Strategy({ ...options, passReqToCallback: true }, withReq);
  const perCall: LoginWithAmazonAuthenticateOptions = { scope: ['profile'], state: { returnTo: '/cart' } };
  const info = (req: { authInfo?: unknown }): number | undefined => (req.authInfo as LoginWithAmazonOAuth2Info | undefined)?.token.expiresIn;
  const grant: LoginWithAmazonGrant | undefined = undefined;
  const consent: ConsentMode = 'page';
  amazon.consent = consent;
  amazon.allowRedirectURI('https://app.example.com/cb');
  const keys: string = `${SESSION_KEY} ${String(MAX_PENDING_PER_SESSION)} ${AUTHORIZATION_HOSTS.EU} ${SCOPES.join(' ')} ${CALLBACK_MESSAGES.badState} ${FAKE_CLIENT_SECRET} ${String(CODE_TTL_SECONDS)}`;
  return [await strategy.refresh('Atzr|x'), [perCall, info, grant, keys, sealed, hook, requested, MAX_STATE_COOKIE_LENGTH]];
}

// @ts-expect-error clientSecret is required
new LoginWithAmazonOAuth2Strategy({ clientID: 'a', callbackURL: 'https://a.example/cb' }, promiseStyle);
// @ts-expect-error scopes are profile, profile:user_id, postal_code
new LoginWithAmazonOAuth2Strategy({ clientID: 'a', clientSecret: 's', callbackURL: 'https://a.example/cb', scope: ['email'] }, promiseStyle);
// An app's code: the strategy, its options and info, and the fake's SDK helper.
function appSignIn(amazon: FakeAmazon): [LoginWithAmazonCodeExchangeStrategy, AppAuthorization, string] {
  const options: LoginWithAmazonCodeExchangeOptions = { clientID: amazon.clientID, redirectURIs: ['amzn://com.example.shop'], tokenURL: amazon.codeGrant.tokenURL, profileURL: amazon.codeGrant.profileURL };
  const strategy = new LoginWithAmazonCodeExchangeStrategy(options, promiseStyle);
  new LoginWithAmazonCodeExchangeStrategy({ ...options, clientSecret: amazon.clientSecret, passReqToCallback: true }, withReq);
  const auth: AppAuthorization = amazon.authorizeApp({ redirectURI: 'amzn://com.example.shop', scopes: ['profile'] });
  const info = (req: { authInfo?: unknown }): number | undefined => (req.authInfo as LoginWithAmazonCodeExchangeInfo | undefined)?.token.expiresIn;
  return [strategy, auth, `${CODE_EXCHANGE_DEFAULTS.name} ${CODE_EXCHANGE_MESSAGES.invalidGrant} ${String(info({}))}`];
}
// @ts-expect-error redirectURIs is required
new LoginWithAmazonCodeExchangeStrategy({ clientID: 'a' }, promiseStyle);
// @ts-expect-error a verify with req needs passReqToCallback: true
new LoginWithAmazonCodeExchangeStrategy({ clientID: 'a', redirectURIs: ['amzn://a'] }, withReq);
// @ts-expect-error the app-code strategy has no callbackURL
new LoginWithAmazonCodeExchangeStrategy({ clientID: 'a', redirectURIs: ['amzn://a'], callbackURL: 'https://a.example/cb' }, promiseStyle);

// Observability: the channels, typed, and the OpenTelemetry bridge.
const observed: unknown[] = [];
// No type arguments: @types/node swapped TracingChannel's (store first up to 24, context first from 26).
dc.tracingChannel(AUTHENTICATE_CHANNEL).subscribe({
  start: () => undefined, end: () => undefined, asyncStart: () => undefined, error: () => undefined,
  asyncEnd: (ctx) => {
    const message = ctx as AuthenticateContext;
    const outcome: AuthenticateOutcome | undefined = message.outcome;
    const answer: CacheAnswer | undefined = message.cache;
    observed.push(outcome, answer, message.status, message.code, message.userId);
  },
});
dc.subscribe(`tracing:${UPSTREAM_CHANNEL}:asyncEnd`, (message) => {
  const attempt = message as UpstreamContext;
  observed.push(attempt.endpoint, attempt.attempt, attempt.url, attempt.status, attempt.error?.code);
});
dc.subscribe(CACHE_CHANNEL, (message) => {
  const event = message as CacheEvent;
  if (event.type === 'store-error') { const operation: StoreOperation = event.operation; observed.push(operation); }
  if (event.type === 'entry-refused') { const reason: RefusalReason = event.reason; observed.push(reason); }
});
const otelOptions: LoginWithAmazonInstrumentationOptions = { recordUserId: false };
const instrumentation: LoginWithAmazonInstrumentation = instrumentLoginWithAmazon(otelOptions);
instrumentation.disable();
const scope: string = INSTRUMENTATION_NAME;
const scopeVersion: string | undefined = INSTRUMENTATION_VERSION;
// @ts-expect-error recordUserId is a boolean
instrumentLoginWithAmazon({ recordUserId: 'yes' });

// @ts-expect-error clientID is required
new LoginWithAmazonStrategy({}, promiseStyle);
// @ts-expect-error region is one of NA, EU, FE
new LoginWithAmazonStrategy({ clientID: 'a', region: 'US' }, promiseStyle);
// @ts-expect-error a verify with req needs passReqToCallback: true
new LoginWithAmazonStrategy({ clientID: 'a' }, withReq);
// @ts-expect-error cache is a boolean or an object
new LoginWithAmazonStrategy({ clientID: 'a', cache: 'on' }, promiseStyle);
// @ts-expect-error verify's info is an object or a string
const badInfo: VerifyFunction = (_a, _r, _p, done) => { done(null, false, 42); };
// @ts-expect-error an error code outside the union
const wrongCode: LoginWithAmazonErrorCode = 'LWA_OOPS';

export { websiteSignIn, appSignIn };
export { observed, scope, scopeVersion, CountingValidator, authInfo, badInfo, bearer, forgotten, sourcesByDefault, undefinedUser, withInfo, describeError, limits, made, name, withFake, wrongCode };
