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
