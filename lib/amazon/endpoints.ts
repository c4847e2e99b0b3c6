import type { Endpoint } from '../core/errors.js';

/** Path of each Login with Amazon API endpoint; every regional API host serves all three. */
export const ENDPOINT_PATHS: Readonly<Record<Endpoint, string>> = Object.freeze({
  tokeninfo: '/auth/o2/tokeninfo',
  profile: '/user/profile',
  token: '/auth/o2/token',
});

/** Path of Amazon's authorization page (the browser is sent there; it is not an API endpoint). */
export const AUTHORIZATION_PATH = '/ap/oa';

/** Endpoint URLs of one host (a region's, or a fake's). */
export interface RegionEndpoints {
  tokenInfoURL: string;
  profileURL: string;
}

/** The endpoint URLs served by `host` (`https://api.amazon.com`, no trailing slash). */
export function hostEndpoints(host: string): RegionEndpoints {
  return { tokenInfoURL: `${host}${ENDPOINT_PATHS.tokeninfo}`, profileURL: `${host}${ENDPOINT_PATHS.profile}` };
}

/** An Amazon region. */
export type Region = 'NA' | 'EU' | 'FE';

/** Login with Amazon hosts by region (the same host serves both endpoints). */
export const REGIONS: Readonly<Record<Region, Readonly<RegionEndpoints>>> = Object.freeze({
  NA: Object.freeze(hostEndpoints('https://api.amazon.com')),
  EU: Object.freeze(hostEndpoints('https://api.amazon.co.uk')),
  FE: Object.freeze(hostEndpoints('https://api.amazon.co.jp')),
});
