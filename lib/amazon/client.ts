import { LoginWithAmazonError, type Endpoint } from '../core/errors.js';
import type { AgentOptions } from '../core/agent-option.js';
import { parseJson, statusError, UpstreamHttp, type PendingCall, type UpstreamAnswer } from './http.js';
import { tokenInfoProfile, toProfile, type AmazonProfile } from './profile.js';
import { assertAudience, parseTokenInfo, type Audience, type TokenInfo } from './tokeninfo.js';
import type { Validation } from './validation.js';

/** What the client needs from the resolved options. */
export interface ClientOptions extends Audience {
  tokenInfoURL: string;
  profileURL: string;
  timeout: number;
  retries: number;
  /** Agents replacing the bounded keep-alive defaults, each on its own. Default: none. */
  agent?: AgentOptions;
  /** `false`: ask tokeninfo alone (no profile call). Default `true`. */
  profile?: boolean;
}

/**
 * Talks to Amazon's tokeninfo and profile endpoints (and, through {@link postForm}, the token
 * endpoint) over one {@link UpstreamHttp}.
 */
export class AmazonClient {
  private readonly http: UpstreamHttp;
  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
    this.http = new UpstreamHttp(options);
  }

  private call(endpoint: Endpoint, url: string, token: string): PendingCall {
    return this.http.get(endpoint, url, token);
  }

  /** POSTs a form to the token endpoint, never retried (see {@link UpstreamHttp.postForm}). */
  postForm(...args: Parameters<UpstreamHttp['postForm']>): Promise<UpstreamAnswer> {
    return this.http.postForm(...args);
  }

  /** The profile alone, for a token whose audience is known (the code grant's own exchange). */
  fetchProfile(token: string): Promise<AmazonProfile> {
    return this.profile(this.call('profile', this.options.profileURL, token));
  }

  /** Tokeninfo's approval, after the audience check, with the body it came in. */
  private async tokenInfo(call: PendingCall): Promise<{ info: TokenInfo; raw: string; json: unknown }> {
    const answer = await call.promise;
    if (answer.status !== 200) throw statusError('tokeninfo', answer);
    const json = parseJson(answer.raw, 'tokeninfo', { upstreamStatus: 200 });
    const info = parseTokenInfo(json);
    assertAudience(info, this.options);
    return { info, raw: answer.raw, json };
  }

  private async profile(call: PendingCall): Promise<AmazonProfile> {
    const answer = await call.promise;
    if (answer.status !== 200) throw statusError('profile', answer);
    return toProfile(answer.raw, parseJson(answer.raw, 'profile', { upstreamStatus: 200 }));
  }

  /**
   * Asks both endpoints at once (tokeninfo alone with `profile: false`). The profile is trusted only after tokeninfo has approved the
   * audience, and only when both name the same user; a tokeninfo verdict wins over a profile error.
   */
  async validate(token: string): Promise<Validation> {
    const askedAt = Date.now();
    const tokenInfoCall = this.call('tokeninfo', this.options.tokenInfoURL, token);
    if (this.options.profile === false) {
      const { info, raw, json } = await this.tokenInfo(tokenInfoCall);
      return { tokenInfo: info, profile: tokenInfoProfile(info, raw, json), askedAt, tokenInfoOnly: true };
    }
    const profileCall = this.call('profile', this.options.profileURL, token);
    const profile = this.profile(profileCall);
    profile.catch(() => undefined); // settled below, or abandoned when tokeninfo says no
    let tokenInfo: TokenInfo;
    try {
      ({ info: tokenInfo } = await this.tokenInfo(tokenInfoCall));
    } catch (error) {
      profileCall.cancel();
      throw error;
    }
    const result: Validation = { tokenInfo, profile: await profile, askedAt };
    if (result.profile.id !== tokenInfo.user_id) {
      throw new LoginWithAmazonError('LWA_USER_MISMATCH', 'profile and tokeninfo name different users', { endpoint: 'profile' });
    }
    return result;
  }
}
