import { LoginWithAmazonError } from '../core/errors.js';

/**
 * The `'alexa'` token source: where Alexa puts the user's Login with Amazon access token in a
 * request envelope (a custom skill, a smart home directive, a music skill request), in the order
 * they are looked at. Sources: docs/alexa.md.
 */
export const ALEXA_TOKEN_PATHS: readonly (readonly string[])[] = [
  ['context', 'System', 'user', 'accessToken'], // custom skills, every request
  ['session', 'user', 'accessToken'], // custom skills, requests with a session
  ['directive', 'endpoint', 'scope', 'token'], // smart home directives to an endpoint
  ['directive', 'payload', 'scope', 'token'], // smart home Discover
  ['directive', 'payload', 'grantee', 'token'], // smart home AcceptGrant
  ['payload', 'requestContext', 'user', 'accessToken'], // music skills
];

/** Why an envelope is malformed, in words (part of problems.ts's PROBLEM_DESCRIPTIONS). */
export const ENVELOPE_PROBLEMS = {
  malformed_envelope: 'malformed Alexa request envelope',
  envelope_tokens_disagree: 'Alexa request envelope carries two different tokens',
} as const;

/** What the envelope holds: a token (not yet checked), none, or a malformed envelope. */
export type AlexaLookup = { value: unknown } | { problem: 'malformed_envelope' | 'envelope_tokens_disagree' } | undefined;

/** A JSON object as a body parser makes it (not an array, a Buffer or a string). */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const MALFORMED = Symbol('malformed');

/** The value at `path`, `undefined` when a step is absent, {@link MALFORMED} when a step is not an object. */
function at(envelope: Record<string, unknown>, path: readonly string[]): unknown {
  let here: unknown = envelope;
  for (const step of path) {
    if (here === undefined) return undefined;
    if (!isJsonObject(here)) return MALFORMED;
    here = Object.hasOwn(here, step) ? here[step] : undefined;
  }
  return here;
}

/**
 * The token of a parsed Alexa request envelope (`req.body`). No body is no token; a body that is
 * not a JSON object, a step of a path that is not an object, or two paths with different values
 * make the envelope malformed. A token at two paths with the same value (custom skills put it in
 * `context` and `session`) is one token.
 */
export function fromAlexaEnvelope(body: unknown): AlexaLookup {
  if (body === undefined) return undefined;
  if (!isJsonObject(body)) return { problem: 'malformed_envelope' };
  const found: unknown[] = [];
  for (const path of ALEXA_TOKEN_PATHS) {
    const parent = at(body, path.slice(0, -1));
    if (parent === MALFORMED || (parent !== undefined && !isJsonObject(parent))) return { problem: 'malformed_envelope' };
    const value = parent === undefined ? undefined : at(parent, path.slice(-1));
    if (value !== undefined) found.push(value);
  }
  const [first] = found;
  if (first === undefined) return undefined;
  if (found.some((value) => value !== first)) return { problem: 'envelope_tokens_disagree' };
  return { value: first };
}

/**
 * The user's access token in an Alexa request envelope (a Lambda `event`), read at the paths and
 * in the order of the `'alexa'` token source, for `strategy.introspect()`: `undefined` for an
 * unlinked user. A malformed envelope (not an object, a step of a path that is not an object, two
 * different tokens, a token that is not a string) throws a `LoginWithAmazonError`
 * `LWA_INVALID_REQUEST` (400), whose message never holds the token.
 *
 * @example
 * const { profile } = await strategy.introspect(alexaAccessToken(event));
 */
export function alexaAccessToken(envelope: unknown): string | undefined {
  const found = fromAlexaEnvelope(envelope ?? {});
  if (found === undefined) return undefined;
  if ('problem' in found) throw new LoginWithAmazonError('LWA_INVALID_REQUEST', ENVELOPE_PROBLEMS[found.problem]);
  if (typeof found.value !== 'string') throw new LoginWithAmazonError('LWA_INVALID_REQUEST', 'token is not a string');
  return found.value;
}
