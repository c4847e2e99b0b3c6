/**
 * The fake answers only requests addressed to it: a `Host` of loopback (`localhost`, `127.0.0.1`,
 * `[::1]`, any port) or one of the host names it was given. A page on another site whose name
 * rebinds to 127.0.0.1 (DNS rebinding) sends its own name as `Host`, and gets nothing.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Host names every fake answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;
/** A host name for `allowedHosts`: letters, digits, dots and dashes (no port, no scheme). */
export const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The body of the 403 for a request whose `Host` is not the fake's. */
export const HOST_REFUSED = { error: 'invalid_request', error_description: 'the fake answers requests to localhost, 127.0.0.1, [::1] or its allowedHosts only' } as const;

/** Whether a request's `Host` header names the fake: loopback or one of `allowed` (lower case), any port. */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  const match = typeof host === 'string' ? HOST_HEADER.exec(host) : null;
  if (match === null) return false;
  const name = (match[1] ?? '').toLowerCase();
  const port = match[2] === undefined ? 0 : Number(match[2]);
  return port <= 65535 && (LOOPBACK_HOSTS.includes(name) || allowed.includes(name));
}

/**
 * Whether a browser says the request comes from another site's page: an `Origin` that is not the
 * fake's own (`http://` + its `Host`), or a `Sec-Fetch-Site` other than `same-origin` or `none`.
 * Clients other than browsers send neither.
 */
export function fromAnotherSite(headers: IncomingHttpHeaders): boolean {
  const { origin, host } = headers;
  const site = headers['sec-fetch-site'];
  return (origin !== undefined && origin !== `http://${String(host)}`) || (site !== undefined && site !== 'same-origin' && site !== 'none');
}
