import { randomUUID } from 'node:crypto';

/** Options of the envelopes the fake builds; every field has a made-up default. */
export interface AlexaEnvelopeOptions {
  /** The user's Login with Amazon access token; leave it out for a user who has not linked an account. */
  token?: string | undefined;
  /** The skill's id (`amzn1.ask.skill.…`). Default: a fixed fake one. */
  applicationId?: string | undefined;
  /** Alexa's id of the user (`amzn1.ask.account.…`): not Amazon's `user_id`. Default: a fixed fake one. */
  userId?: string | undefined;
  /** `request.timestamp` (what `TimestampVerifier` checks). Default: now. */
  timestamp?: Date | undefined;
  /** Custom skills: the intent of an `IntentRequest`. Default `'HelloIntent'`. */
  intent?: string | undefined;
  /** Smart home: the endpoint a directive is for. Default `'endpoint-001'`. */
  endpointId?: string | undefined;
}

const SKILL = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';
const ALEXA_USER = 'amzn1.ask.account.FAKEALEXAUSER';

/** Interfaces whose requests carry no `session` (Amazon's request and response JSON reference). */
const SESSIONLESS = /^(AudioPlayer|PlaybackController)\./;

/** Smart home directives by name: their namespace, and whether they name an endpoint. */
const DIRECTIVES: Readonly<Record<string, { namespace: string; endpoint: boolean }>> = {
  Discover: { namespace: 'Alexa.Discovery', endpoint: false },
  AcceptGrant: { namespace: 'Alexa.Authorization', endpoint: false },
  TurnOn: { namespace: 'Alexa.PowerController', endpoint: true },
  TurnOff: { namespace: 'Alexa.PowerController', endpoint: true },
  ReportState: { namespace: 'Alexa', endpoint: true },
};

function checked(kind: string, name: unknown, options: unknown): AlexaEnvelopeOptions {
  if (typeof name !== 'string' || name === '') throw new TypeError(`"${kind}" must be a non-empty string`);
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object');
  const { token } = options as AlexaEnvelopeOptions;
  if (token !== undefined && typeof token !== 'string') throw new TypeError('"token" must be a string');
  return options;
}

/** Alexa's ISO 8601 timestamp, to the second. */
function stamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function requestBody(type: string, o: AlexaEnvelopeOptions): Record<string, unknown> {
  const request: Record<string, unknown> = {
    type, requestId: `amzn1.echo-api.request.${randomUUID()}`, timestamp: stamp(o.timestamp), locale: 'en-US',
  };
  if (type === 'IntentRequest') request.intent = { name: o.intent ?? 'HelloIntent', confirmationStatus: 'NONE', slots: {} };
  if (type === 'SessionEndedRequest') request.reason = 'USER_INITIATED';
  if (SESSIONLESS.test(type)) Object.assign(request, { token: 'track-001', offsetInMilliseconds: 0 });
  return request;
}

/**
 * A custom skill's request envelope as Alexa sends it, with the token at
 * `context.System.user.accessToken` and, when there is a session, `session.user.accessToken`.
 * `AudioPlayer.*` and `PlaybackController.*` requests have no `session`.
 *
 * @example
 * const body = alexaSkillRequest('LaunchRequest', { token: amazon.issueToken() });
 * const unlinked = alexaSkillRequest('IntentRequest', { intent: 'OrderIntent' });
 */
export function alexaSkillRequest(type: string, options: AlexaEnvelopeOptions = {}): Record<string, unknown> {
  const o = checked('type', type, options);
  const application = { applicationId: o.applicationId ?? SKILL };
  const user = { userId: o.userId ?? ALEXA_USER, ...(o.token === undefined ? {} : { accessToken: o.token }) };
  const envelope: Record<string, unknown> = { version: '1.0' };
  if (!SESSIONLESS.test(type)) {
    envelope.session = {
      new: type === 'LaunchRequest', sessionId: `amzn1.echo-api.session.${randomUUID()}`, application, attributes: {}, user: { ...user },
    };
  }
  envelope.context = {
    System: {
      application, user,
      device: { deviceId: 'amzn1.ask.device.FAKEDEVICE', supportedInterfaces: { AudioPlayer: {} } },
      apiEndpoint: 'https://api.amazonalexa.com',
    },
  };
  envelope.request = requestBody(type, o);
  return envelope;
}

/**
 * A smart home directive as Alexa sends it: the token at `directive.endpoint.scope.token` for a
 * directive to an endpoint (`TurnOn`, `TurnOff`, `ReportState`, or any other name: namespace
 * `Alexa`), `directive.payload.scope.token` for `Discover`, `directive.payload.grantee.token` for
 * `AcceptGrant`. Without `token`, the scope has no `token` field.
 *
 * @example
 * const directive = smartHomeDirective('TurnOn', { token: amazon.issueToken(), endpointId: 'lamp-1' });
 */
export function smartHomeDirective(name: string, options: AlexaEnvelopeOptions = {}): Record<string, unknown> {
  const o = checked('name', name, options);
  const { namespace, endpoint } = DIRECTIVES[name] ?? { namespace: 'Alexa', endpoint: true };
  const scope = { type: 'BearerToken', ...(o.token === undefined ? {} : { token: o.token }) };
  const header: Record<string, unknown> = { namespace, name, messageId: randomUUID(), payloadVersion: '3' };
  if (endpoint) header.correlationToken = `fake-correlation-${randomUUID()}`;
  const directive: Record<string, unknown> = { header };
  if (endpoint) directive.endpoint = { scope, endpointId: o.endpointId ?? 'endpoint-001', cookie: {} };
  if (name === 'Discover') directive.payload = { scope };
  else if (name === 'AcceptGrant') {
    directive.payload = { grant: { type: 'OAuth2.AuthorizationCode', code: 'fake-authorization-code' }, grantee: scope };
  } else directive.payload = {};
  return { directive };
}

/**
 * A music skill request (Alexa Music, Radio and Podcast Skill API) with the token at
 * `payload.requestContext.user.accessToken`. Default name: `'GetPlayableContent'`.
 */
export function musicSkillRequest(name = 'GetPlayableContent', options: AlexaEnvelopeOptions = {}): Record<string, unknown> {
  const o = checked('name', name, options);
  const user = { id: o.userId ?? ALEXA_USER, ...(o.token === undefined ? {} : { accessToken: o.token }) };
  return {
    header: { messageId: randomUUID(), namespace: 'Alexa.Media.Search', name, payloadVersion: '1.0' },
    payload: { requestContext: { user, location: { originatingLocale: 'en-US' } }, filters: { explicitLanguageAllowed: true }, selectionCriteria: { attributes: [] } },
  };
}
