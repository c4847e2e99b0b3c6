import type { Endpoint } from './errors.js';

/** Path of each Login with Amazon endpoint; every regional host serves both. */
export const ENDPOINT_PATHS: Readonly<Record<Endpoint, string>> = Object.freeze({
  tokeninfo: '/auth/o2/tokeninfo',
  profile: '/user/profile',
});

/** Endpoint URLs of one host (a region's, or a fake's). */
export interface RegionEndpoints {
  tokenInfoURL: string;
  profileURL: string;
}

/** The endpoint URLs served by `host` (`https://api.amazon.com`, no trailing slash). */
export function hostEndpoints(host: string): RegionEndpoints {
  return { tokenInfoURL: `${host}${ENDPOINT_PATHS.tokeninfo}`, profileURL: `${host}${ENDPOINT_PATHS.profile}` };
}
