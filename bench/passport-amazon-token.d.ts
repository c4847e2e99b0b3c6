// passport-amazon-token ships no types; only what the benchmark uses.
declare module 'passport-amazon-token' {
  import { Strategy } from 'passport-strategy';

  interface AmazonTokenStrategyOptions {
    clientID: string;
    clientSecret?: string;
    profileURL?: string;
    accessTokenField?: string;
  }

  type Verify = (
    accessToken: string,
    refreshToken: string | undefined,
    profile: { id: string },
    done: (err: unknown, user?: unknown) => void,
  ) => void;

  export default class AmazonTokenStrategy extends Strategy {
    constructor(options: AmazonTokenStrategyOptions, verify: Verify);
  }
}
