import { fromAlexaEnvelope } from './alexa-envelope.js';

/**
 * Where a token may come from: `Authorization: Bearer`, `x-amz-access-token`, a body or a query
 * field, or an Alexa request envelope in the parsed body (`'alexa'`, opt-in).
 */
export type TokenSource = 'header' | 'amz-header' | 'body' | 'query' | 'alexa';

/** Every token source, in the order they are looked at. */
export const TOKEN_SOURCES: readonly TokenSource[] = ['header', 'amz-header', 'body', 'query', 'alexa'];

/** Largest access token accepted, in bytes (Amazon's documented maximum). */
export const MAX_TOKEN_BYTES = 2048;

/** RFC 6750 b64token (token68) characters, plus the `|` of Amazon's `Atza|` prefix. */
const TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/|]+=*$/;

/** What `extractToken` needs to know; a subset of the resolved options. */
export interface ExtractOptions {
  tokenSources: readonly TokenSource[];
  tokenFromRequest?: ((req: any) => string | undefined | null) | undefined;
  accessTokenField: string;
  refreshTokenField: string;
}

/** The request parts read by extraction; any framework's request object fits. */
export interface RequestLike {
  headers?: unknown;
  body?: unknown;
  query?: unknown;
}

/** Why a request is malformed (never echoed to the client; useful in tests and debugging). */
export type ExtractProblem =
  | 'malformed_authorization'
  | 'multiple_tokens'
  | 'not_a_string'
  | 'too_long'
  | 'bad_characters'
  | 'malformed_refresh_token'
  | 'malformed_envelope'
  | 'envelope_tokens_disagree';

export type Extraction =
  | { kind: 'token'; token: string; refreshToken: string | undefined }
  | { kind: 'none' }
  | { kind: 'invalid'; problem: ExtractProblem }
  | { kind: 'error'; error: unknown };

type Found = { value: unknown } | { problem: ExtractProblem } | undefined;

function field(container: unknown, name: string): unknown {
  if (typeof container !== 'object' || container === null || Array.isArray(container)) return undefined;
  return Object.hasOwn(container, name) ? (container as Record<string, unknown>)[name] : undefined;
}

function header(req: RequestLike, name: string): unknown {
  return field(req.headers, name);
}

/** `Authorization: Bearer <token>`; another scheme carries no bearer token and is ignored. */
function fromAuthorization(value: unknown): Found {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return { problem: 'malformed_authorization' };
  // Stryker disable next-line StringLiteral: equivalent; split() always returns one element at least, so the default is for the type.
  const [scheme = '', ...rest] = value.trim().split(/[ \t]+/);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  if (rest.length !== 1) return { problem: 'malformed_authorization' };
  return { value: rest[0] };
}

function present(value: unknown): Found {
  return value === undefined ? undefined : { value };
}

function lookup(req: RequestLike, source: TokenSource, options: ExtractOptions): Found {
  switch (source) {
    case 'header':
      return fromAuthorization(header(req, 'authorization'));
    case 'amz-header':
      return present(header(req, 'x-amz-access-token'));
    case 'body':
      return present(field(req.body, options.accessTokenField));
    case 'query':
      return present(field(req.query, options.accessTokenField));
    case 'alexa':
      return fromAlexaEnvelope(req.body);
  }
}

/**
 * Checks a candidate token: a string, percent-decoded once if it arrived encoded (`Atza%7C…`),
 * token68 characters plus `|`, at most {@link MAX_TOKEN_BYTES} bytes.
 */
export function checkToken(value: unknown): { token: string } | { problem: ExtractProblem } {
  if (typeof value !== 'string') return { problem: 'not_a_string' };
  // An encoded token is at most three times longer; anything longer is rejected before decoding.
  if (value.length > MAX_TOKEN_BYTES * 3) return { problem: 'too_long' };
  let token = value;
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent; decodeURIComponent leaves a string without '%' as it is (the test spares the hot path a copy).
  if (token.includes('%')) {
    try {
      token = decodeURIComponent(token);
    } catch { /* a malformed escape: the token keeps its '%', which the syntax below refuses (bad_characters) */ }
  }
  if (!TOKEN_SYNTAX.test(token)) return { problem: 'bad_characters' };
  if (token.length > MAX_TOKEN_BYTES) return { problem: 'too_long' };
  return { token };
}

/**
 * The refresh token, read only from the enabled body and query sources and checked like the
 * access token. With `tokenFromRequest` there is none: the app's extractor owns the request.
 */
function refreshTokenOf(req: RequestLike, options: ExtractOptions): { value: string | undefined } | 'invalid' {
  // Stryker disable next-line ObjectLiteral: equivalent; an object without value reads as value undefined.
  if (options.tokenFromRequest) return { value: undefined };
  const values: unknown[] = [];
  if (options.tokenSources.includes('body')) values.push(field(req.body, options.refreshTokenField));
  if (options.tokenSources.includes('query')) values.push(field(req.query, options.refreshTokenField));
  const given = values.filter((value) => value !== undefined);
  // Stryker disable next-line ObjectLiteral: equivalent; an object without value reads as value undefined.
  if (given.length === 0) return { value: undefined };
  if (given.length > 1) return 'invalid';
  const checked = checkToken(given[0]);
  return 'problem' in checked ? 'invalid' : { value: checked.token };
}

function found(value: unknown, req: RequestLike, options: ExtractOptions): Extraction {
  const checked = checkToken(value);
  if ('problem' in checked) return { kind: 'invalid', problem: checked.problem };
  const refresh = refreshTokenOf(req, options);
  if (refresh === 'invalid') return { kind: 'invalid', problem: 'malformed_refresh_token' };
  return { kind: 'token', token: checked.token, refreshToken: refresh.value };
}

/** Runs the app's own extractor; an exception from it is the app's error, not the client's. */
function fromCustomExtractor(req: RequestLike, extractor: (req: any) => unknown, options: ExtractOptions): Extraction {
  let value: unknown;
  try {
    value = extractor(req);
  } catch (error) {
    return { kind: 'error', error };
  }
  if (value === undefined || value === null || value === '') return { kind: 'none' };
  return found(value, req, options);
}

/**
 * Finds the access token in the enabled sources (or through `tokenFromRequest`). No I/O, never
 * throws. A token in more than one source (even the same value) is malformed, per RFC 6750 §2.
 */
export function extractToken(request: RequestLike | null | undefined, options: ExtractOptions): Extraction {
  const req: RequestLike = typeof request === 'object' && request !== null ? request : {};
  if (options.tokenFromRequest) return fromCustomExtractor(req, options.tokenFromRequest, options);
  const candidates: { value: unknown }[] = [];
  for (const source of options.tokenSources) {
    const result = lookup(req, source, options);
    if (result === undefined) continue;
    if ('problem' in result) return { kind: 'invalid', problem: result.problem };
    candidates.push(result);
  }
  const [only] = candidates;
  if (only === undefined) return { kind: 'none' };
  if (candidates.length > 1) return { kind: 'invalid', problem: 'multiple_tokens' };
  return found(only.value, req, options);
}
