/**
 * `passport-login-with-amazon check - --client-id ID` (the token on stdin): asks Amazon about a token the way
 * `LoginWithAmazonStrategy` does (same syntax check, tokeninfo, audience, profile) and says in
 * words whether the strategy would accept it, and if not why. Never prints the token.
 */
import { AmazonClient } from '../amazon/client.js';
import { hostEndpoints, REGIONS, type Region } from '../amazon/endpoints.js';
import { parseJson, statusError, UpstreamHttp } from '../amazon/http.js';
import { assertAudience, parseTokenInfo, type TokenInfo } from '../amazon/tokeninfo.js';
import { LoginWithAmazonError } from '../core/errors.js';
import { endpointURL } from '../core/option-checks.js';
import { checkToken, type ExtractProblem } from '../token/extract-token.js';

/** Exit codes: accepted, refused, could not tell (usage, network, Amazon failing). */
export const EXIT = { accepted: 0, refused: 1, unknown: 2 } as const;

export interface CheckInput {
  token: string;
  clientID: string;
  region: Region;
  tokenInfoURL?: string | undefined;
  timeout?: number;
}

export interface Verdict {
  exitCode: (typeof EXIT)[keyof typeof EXIT];
  lines: string[];
}

const PROBLEMS: Record<ExtractProblem, string> = {
  malformed_authorization: 'it is not a bearer token',
  multiple_tokens: 'more than one token was given',
  not_a_string: 'it is not text',
  too_long: 'it is longer than 2048 bytes',
  bad_characters: 'it has characters no access token has (a space, a quote, a line break?)',
  malformed_refresh_token: 'it is not a refresh token',
  malformed_envelope: 'it is not an Alexa request envelope',
  envelope_tokens_disagree: 'the Alexa request envelope carries two different tokens',
};

const REGION_HOSTS = Object.entries(REGIONS).map(([region, urls]) => [region, new URL(urls.tokenInfoURL).host] as const);

const refused = (...lines: string[]): Verdict => ({ exitCode: EXIT.refused, lines: ['refused:', ...lines] });
const unknown = (...lines: string[]): Verdict => ({ exitCode: EXIT.unknown, lines: ['could not tell:', ...lines] });

/** Where tokeninfo and the profile are asked, and a note when that is not one of Amazon's hosts. */
function endpoints(input: CheckInput): { tokenInfoURL: string; profileURL: string; notes: string[] } {
  const tokenInfoURL = endpointURL(input.tokenInfoURL, 'tokeninfo-url', REGIONS[input.region].tokenInfoURL);
  const { host, origin } = new URL(tokenInfoURL);
  const region = REGION_HOSTS.find(([, regionHost]) => regionHost === host)?.[0];
  const notes = region === undefined
    ? [`  note: ${host} is not one of Amazon's hosts (${REGION_HOSTS.map(([r, h]) => `${r} ${h}`).join(', ')}).`]
    : [`  asked ${host} (region ${region}); a token from one region is valid on the others.`];
  return { tokenInfoURL, profileURL: hostEndpoints(origin).profileURL, notes };
}

/** Words for an error of Amazon's (or of the way there): a rejection is a refusal, anything else is unknown. */
function explainError(error: unknown, host: string): Verdict {
  if (!(error instanceof LoginWithAmazonError)) throw error;
  switch (error.code) {
    case 'LWA_INVALID_TOKEN':
      return refused(`  Amazon (${host}) says the token is not valid: ${error.message}.`,
        '  It has expired, was revoked, or is not an access token Login with Amazon issued.',
        '  LoginWithAmazonStrategy answers 401 invalid_token.');
    case 'LWA_INSUFFICIENT_SCOPE':
      return refused('  the token lacks the "profile" scope the strategy needs to load the profile.',
        '  LoginWithAmazonStrategy answers 403 insufficient_scope (ask for scope "profile", or set profile: false).');
    case 'LWA_USER_MISMATCH':
      return refused('  tokeninfo and the profile name different users. LoginWithAmazonStrategy answers 401 invalid_token.');
    case 'LWA_TIMEOUT':
    case 'LWA_NETWORK':
      return unknown(`  ${host} could not be reached (${error.code}${error.cause instanceof Error && 'code' in error.cause ? `: ${String(error.cause.code)}` : ''}).`,
        `  LoginWithAmazonStrategy answers ${error.status} while that lasts.`);
    default:
      return unknown(`  Amazon (${host}) failed: ${error.message} (${error.code}${error.upstreamStatus ? `, HTTP ${error.upstreamStatus}` : ''}).`,
        `  LoginWithAmazonStrategy answers ${error.status} while that lasts.`);
  }
}

function audienceWords(info: TokenInfo): string {
  return `client id ${info.aud}${info.app_id === undefined ? '' : ` (app ${info.app_id})`}`;
}

/** The line said before the first call: where the token goes, and how to send it to the fake instead. */
export function askingLine(tokenInfoURL: string): string {
  const region = REGION_HOSTS.find(([, host]) => host === new URL(tokenInfoURL).host)?.[0];
  return region === undefined ? `asking ${tokenInfoURL}`
    : `asking Amazon (region ${region}): ${tokenInfoURL}; to ask the fake instead, add the --tokeninfo-url that "passport-login-with-amazon fake" prints`;
}

/**
 * Checks `input.token` as `LoginWithAmazonStrategy({ clientID: input.clientID, region })` would.
 * `onAsk` hears {@link askingLine} just before the first call (never for a malformed token).
 */
export async function explainToken(input: CheckInput, onAsk: (line: string) => void = () => undefined): Promise<Verdict> {
  const syntax = checkToken(input.token);
  if ('problem' in syntax) {
    return refused(`  the token is malformed: ${PROBLEMS[syntax.problem]}.`,
      '  LoginWithAmazonStrategy answers 400 invalid_request without asking Amazon.');
  }
  const token = syntax.token;
  if (token.startsWith('Atzr|')) {
    return refused('  this is a refresh token (Atzr|…), not an access token (Atza|…).',
      '  Send the access token; exchange a refresh token at the token endpoint (strategy.refresh()).');
  }
  const { tokenInfoURL, profileURL, notes } = endpoints(input);
  const host = new URL(tokenInfoURL).host;
  const prefix = token.startsWith('Atza|') ? [] : ['  note: Login with Amazon access tokens start with "Atza|"; this one does not.'];
  const options = { timeout: input.timeout ?? 5000, retries: 1 };
  onAsk(askingLine(tokenInfoURL));
  let info: TokenInfo;
  try {
    const answer = await new UpstreamHttp(options).get('tokeninfo', tokenInfoURL, token).promise;
    if (answer.status !== 200) throw statusError('tokeninfo', answer);
    info = parseTokenInfo(parseJson(answer.raw, 'tokeninfo', { upstreamStatus: 200 }));
  } catch (error) {
    const verdict = explainError(error, host);
    return { ...verdict, lines: [...verdict.lines, ...prefix, ...notes] };
  }
  try {
    assertAudience(info, { clientIDs: [input.clientID], appIDs: [] });
  } catch {
    return refused(`  the token was issued to ${audienceWords(info)}, not to ${input.clientID}.`,
      `  LoginWithAmazonStrategy answers 401 invalid_token. If ${info.aud} is your security profile, use it as clientID.`, ...notes);
  }
  try {
    // Stryker disable next-line ArrayDeclaration: equivalent; fetchProfile() never reads the audience lists.
    const profile = await new AmazonClient({ ...options, clientIDs: [input.clientID], appIDs: [], tokenInfoURL, profileURL }).fetchProfile(token);
    if (profile.id !== info.user_id) {
      throw new LoginWithAmazonError('LWA_USER_MISMATCH',
        // Stryker disable next-line StringLiteral,ObjectLiteral: equivalent; explainError() words the verdict from the code alone.
        'profile and tokeninfo name different users', { endpoint: 'profile' });
    }
  } catch (error) {
    const verdict = explainError(error, host);
    return { ...verdict, lines: [...verdict.lines, ...notes] };
  }
  return {
    exitCode: EXIT.accepted,
    lines: ['accepted:', `  LoginWithAmazonStrategy({ clientID: '${input.clientID}' }) signs in user ${info.user_id}.`,
      `  issued to ${audienceWords(info)}; expires in ${info.exp} s.`, ...notes],
  };
}
