/**
 * A scripted browser for the code grant: `fetch` without automatic redirects, a cookie jar for the
 * app's origin (cookies never go to the fake Amazon), and redirect following hop by hop.
 */

/** One hop of a followed chain. */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
}

export class CookieBrowser {
  readonly cookies = new Map<string, string>();
  private readonly origin: string;

  constructor(appURL: string) {
    this.origin = new URL(appURL).origin;
  }

  /** The `Cookie` header the jar sends to the app ('' when empty). */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** One request (`GET` unless `method` says otherwise); the app's `Set-Cookie`s land in the jar. */
  async request(url: string, method = 'GET'): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    if (target.origin === this.origin && this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const res = await fetch(target, { redirect: 'manual', headers, method });
    if (target.origin === this.origin) {
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    return res;
  }

  /**
   * Follows redirects from `url` (at most `max` hops) until an answer that is not a redirect, or
   * until `stopAt` matches a redirect's target (then that target is not requested). `method` is the
   * first request's (a form's POST); the redirects are followed with GET.
   */
  async follow(url: string, options: { max?: number; stopAt?: (location: string) => boolean; method?: string } = {}): Promise<{ res: Response; hops: Hop[]; stoppedAt?: string }> {
    const hops: Hop[] = [];
    let current = url;
    for (let i = 0; i < (options.max ?? 10); i += 1) {
      const res = await this.request(current, i === 0 ? options.method : undefined);
      const location = res.headers.get('location');
      hops.push({ url: current, status: res.status, location });
      if (res.status < 300 || res.status >= 400 || location === null) return { res, hops };
      await res.arrayBuffer();
      const next = new URL(location, current).href;
      if (options.stopAt?.(next) === true) return { res, hops, stoppedAt: next };
      current = next;
    }
    throw new Error(`more than ${String(options.max ?? 10)} redirects from ${url}`);
  }
}
