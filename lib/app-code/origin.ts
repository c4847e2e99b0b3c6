/**
 * The app-code route's guard against browsers' cross-site requests (login CSRF): a page on another
 * site can auto-submit a form carrying the attacker's own fresh code and verifier, and an app that
 * keeps a session after sign-in would sign the victim's browser in as the attacker. Native apps
 * send neither `Sec-Fetch-Site` nor `Origin`; browsers send both on a cross-site POST.
 */

/** `Sec-Fetch-Site` values a browser sends for a request the site itself (or the user) started. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/** A header's one value: `undefined` when absent, the raw value otherwise (an array, if repeated, never matches). */
function header(req: { headers?: unknown }, name: string): unknown {
  const headers = req.headers;
  if (typeof headers !== 'object' || headers === null || !Object.hasOwn(headers, name)) return undefined;
  return (headers as Record<string, unknown>)[name];
}

/**
 * The request's own origin, `scheme://host[:port]` as a browser serializes it, or `undefined`.
 * The scheme is the framework's `req.protocol` when it has one (Express, Koa and Fastify: behind a
 * proxy it follows `X-Forwarded-Proto` only when the app trusts the proxy), else `https` on a TLS
 * socket, else `http`. The host is the `Host` header (HTTP/2: `:authority`), never
 * `X-Forwarded-Host`: a proxy must pass the browser's `Host` on, or the front end's origin must
 * be listed in `allowedOrigins`.
 */
export function ownOrigin(req: { headers?: unknown; protocol?: unknown; socket?: unknown }): string | undefined {
  const host = header(req, 'host') ?? header(req, ':authority');
  if (typeof host !== 'string' || host === '' || /[\s/\\?#@]/.test(host)) return undefined;
  const encrypted = (req.socket as { encrypted?: unknown } | null | undefined)?.encrypted === true;
  const scheme = req.protocol === 'http' || req.protocol === 'https' ? req.protocol : encrypted ? 'https' : 'http';
  return URL.canParse(`${scheme}://${host}`) ? new URL(`${scheme}://${host}`).origin : undefined;
}

/**
 * Whether a request is a browser's cross-site one that the route must refuse: an `Origin` listed in
 * `allowedOrigins` passes; otherwise a `Sec-Fetch-Site` other than `same-origin` or `none`, or an
 * `Origin` (`null` included) other than the request's own, is cross-site. No header: not a
 * browser's cross-site request (a native app, curl), it passes.
 */
export function isCrossSite(req: unknown, allowedOrigins: ReadonlySet<string>): boolean {
  if (typeof req !== 'object' || req === null) return false;
  const r = req as { headers?: unknown; protocol?: unknown; socket?: unknown };
  const origin = header(r, 'origin');
  if (typeof origin === 'string' && allowedOrigins.has(origin)) return false;
  const site = header(r, 'sec-fetch-site');
  if (site !== undefined && !(typeof site === 'string' && OWN_FETCH_SITES.has(site))) return true;
  return origin !== undefined && origin !== ownOrigin(r);
}

/** `allowedOrigins`: distinct serialized http(s) origins (`https://app.example`, no path, no trailing slash). */
export function allowedOriginsOption(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const message = '"allowedOrigins" must be an array of distinct origins such as https://app.example (scheme, host and port only)';
  if (!Array.isArray(value) || new Set(value).size !== value.length) throw new TypeError(message);
  for (const origin of value) {
    if (typeof origin !== 'string' || !URL.canParse(origin)) throw new TypeError(message);
    const url = new URL(origin);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) throw new TypeError(message);
  }
  return new Set(value as string[]);
}
