/**
 * Why a callback found no pending sign-in, for the debug log only (the client is told the fixed
 * bad-state message). The first cause on a developer's machine is a host mismatch: the sign-in
 * started on `127.0.0.1` while `callbackURL` names `localhost` (or `www.` against the bare domain),
 * so the browser does not bring the first host's cookies to the callback.
 */

/** A host name as the log may print it: a DNS name, an IPv4 or a bracketed IPv6 address. */
const PRINTABLE_HOST = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])$/;

function header(req: unknown, name: string): string | undefined {
  const headers = typeof req === 'object' && req !== null ? (req as { headers?: unknown }).headers : undefined;
  const value = typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The host name (no port: cookies ignore ports) the browser asked for: the first
 * `X-Forwarded-Host` behind a proxy, else `Host`; `undefined` when absent or not printable.
 */
export function requestHostname(req: unknown): string | undefined {
  const raw = (header(req, 'x-forwarded-host')?.split(',')[0] ?? header(req, 'host'))?.trim().toLowerCase();
  if (raw === undefined) return undefined;
  const hostname = raw.startsWith('[') ? raw.slice(0, raw.indexOf(']') + 1) : raw.replace(/:\d*$/, '');
  return PRINTABLE_HOST.test(hostname) ? hostname : undefined;
}

/** The host a developer most likely started on instead of `callbackHost`. */
function otherHost(callbackHost: string): string {
  if (callbackHost === 'localhost') return '127.0.0.1';
  if (callbackHost === '127.0.0.1' || callbackHost === '[::1]') return 'localhost';
  return callbackHost.startsWith('www.') ? callbackHost.slice(4) : `www.${callbackHost}`;
}

/** The redirect leg's hint when the browser is on another host than `callbackURL`'s, else `undefined`. */
export function redirectHint(req: unknown, callbackURL: string): string | undefined {
  const callbackHost = new URL(callbackURL).hostname;
  const host = requestHostname(req);
  if (host === undefined || host === callbackHost) return undefined;
  return `sign-in started on host ${host}, but callbackURL names ${callbackHost}: the browser will not bring ${host}'s cookies ` +
    `to the callback, which will then fail with 403; browse ${callbackHost}, or make callbackURL name ${host}`;
}

/** The likely cause of a bad-state 403, for the debug log. */
export function badStateReason(req: unknown, callbackURL: string, state: unknown): string {
  if (state === undefined) return 'no "state" in the callback URL: not Amazon\'s redirect back from a sign-in this app started';
  const callbackHost = new URL(callbackURL).hostname;
  const host = requestHostname(req);
  if (host !== undefined && host !== callbackHost) {
    return `no pending sign-in for this browser: the callback was reached on host ${host}, but callbackURL names ${callbackHost}`;
  }
  const cookies = header(req, 'cookie') === undefined ? 'the browser sent no cookie at all' : 'the browser\'s cookies hold none for this state';
  return `no pending sign-in for this browser (${cookies}): started on another host (${otherHost(callbackHost)} vs ${callbackHost})?, ` +
    'or expired (stateTTL), already used (reload, back button), or started in another browser';
}
