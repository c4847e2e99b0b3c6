/** The website strategy's own cookies: how each framework's request leads to a response, parsing, attributes, names. */
import { describe, expect, test } from '@jest/globals';
import { capPending, cookieScopeOf, cookieValues, fastifyReplyHook, flowCookieName, serializeCookie, setCookieOf } from '../../lib/website/cookies.js';

describe('setCookieOf', () => {
  test('Fastify, through fastifyReplyHook: reply.header("set-cookie", line)', () => {
    const calls: unknown[] = [];
    const request = {};
    let done = false;
    fastifyReplyHook(request, { header: (name: string, value: string) => { calls.push([name, value]); } }, () => { done = true; });
    expect(done).toBe(true);
    setCookieOf(request)?.('a=1');
    expect(calls).toEqual([['set-cookie', 'a=1']]);
  });

  test('koa-passport: ctx.append("Set-Cookie", line), before req.res', () => {
    const calls: unknown[] = [];
    const req = { ctx: { append: (name: string, value: string) => { calls.push([name, value]); } }, res: { set: () => { throw new Error('not this one'); } } };
    setCookieOf(req)?.('a=1');
    expect(calls).toEqual([['Set-Cookie', 'a=1']]);
  });

  test('Express and NestJS: res.append("Set-Cookie", line)', () => {
    const calls: unknown[] = [];
    setCookieOf({ res: { append: (name: string, value: string) => { calls.push([name, value]); } } })?.('a=1');
    expect(calls).toEqual([['Set-Cookie', 'a=1']]);
  });

  test.each<[string, unknown, string[]]>([
    ['no Set-Cookie yet', undefined, ['a=1']],
    ['one as a string', 'sid=x', ['sid=x', 'a=1']],
    ['several as an array', ['sid=x', 'b=2'], ['sid=x', 'b=2', 'a=1']],
  ])('a plain node:http response with %s: appended, nothing replaced', (_name, prior, expected) => {
    const headers = new Map<string, unknown>(prior === undefined ? [] : [['set-cookie', prior]]);
    setCookieOf({ res: { getHeader: (n: string) => headers.get(n), setHeader: (n: string, v: unknown) => { headers.set(n, v); } } })?.('a=1');
    expect(headers.get('set-cookie')).toEqual(expected);
  });

  test.each([[{}], [null], ['req'], [{ res: {} }], [{ ctx: {} }], [{ res: { getHeader: () => undefined } }]])('%o leads to no response', (req) => {
    expect(setCookieOf(req)).toBeUndefined();
  });
});

describe('cookieValues', () => {
  test('every value of the name, trimmed; other names, malformed pairs and prefixes ignored', () => {
    const req = { headers: { cookie: 'a=1; lwa=x; lwa_other=y;; =z; lwa; lwa= two ; b=2' } };
    expect(cookieValues(req, 'lwa')).toEqual(['x', 'two']);
    expect(cookieValues({ headers: {} }, 'lwa')).toEqual([]);
    expect(cookieValues({ headers: { cookie: ['lwa=x'] } }, 'lwa')).toEqual([]);
    expect(cookieValues(undefined, 'lwa')).toEqual([]);
  });
});

describe('serializeCookie and names', () => {
  test('HttpOnly, SameSite=Lax, Path=/ (what __Host- requires), Secure only for an https callback', () => {
    expect(serializeCookie('n', 'v', cookieScopeOf('https://a.example/auth/cb?x=1'), 600)).toBe('n=v; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure');
    expect(serializeCookie('n', '', cookieScopeOf('http://localhost:3000/cb'), 0)).toBe('n=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
  });

  test('a name per strategy and state: cookie-safe whatever the strategy is called', () => {
    const http = cookieScopeOf('http://127.0.0.1:3000/cb');
    const name = flowCookieName('lwa_state_', 'a strategy; with=odd "chars"', 'S'.repeat(43), http);
    expect(name).toMatch(/^lwa_state_[\w-]{16}$/);
    expect(flowCookieName('lwa_state_', 'amazon', 'S'.repeat(43), http)).not.toBe(flowCookieName('lwa_state_', 'amazon', 'T'.repeat(43), http));
    expect(flowCookieName('lwa_state_', 'amazon', 'S'.repeat(43), http)).not.toBe(flowCookieName('lwa_state_', 'other', 'S'.repeat(43), http));
  });

  test('on an https callback the name carries the __Host- prefix (same hash), so no sibling subdomain or plain http can set it', () => {
    const https = cookieScopeOf('https://a.example/cb');
    const http = cookieScopeOf('http://localhost/cb');
    expect(flowCookieName('lwa_bind_', 'amazon', 'S'.repeat(43), https)).toBe(`__Host-${flowCookieName('lwa_bind_', 'amazon', 'S'.repeat(43), http)}`);
  });
});

describe('capPending: at most maxPendingPerBrowser of one kind per browser', () => {
  const https = cookieScopeOf('https://a.example/cb');
  const names = (n: number, prefix = '__Host-lwa_state_'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(16, 'x')}`);
  const cleared = (name: string): string => serializeCookie(name, '', https, 0);
  function capped(cookie: string | undefined, keep: number): string[] {
    const lines: string[] = [];
    capPending({ headers: cookie === undefined ? {} : { cookie } }, 'lwa_state_', https, keep, (line) => { lines.push(line); });
    return lines;
  }

  test('with keep - 1 or fewer sent, nothing is cleared', () => {
    expect(capped(names(4).map((n) => `${n}=v`).join('; '), 5)).toEqual([]);
    expect(capped(undefined, 5)).toEqual([]);
    expect(capped('', 1)).toEqual([]);
  });

  test('the oldest (first in the header) are cleared, with the same name and Path, so that the new one makes keep', () => {
    const sent = names(7);
    expect(capped(sent.map((n) => `${n}=v`).join('; '), 5)).toEqual(sent.slice(0, 3).map(cleared));
    expect(capped(sent.map((n) => `${n}=v`).join('; '), 1)).toEqual(sent.map(cleared));
  });

  test('only this kind in this scope counts: other cookies, the plain name on https, other lengths, and a name sent twice once', () => {
    const [a = '', b = ''] = names(2);
    const cookie = [`sid=1`, `${a}=v`, `${a}=w`, `lwa_state_${'p'.repeat(16)}=v`, `__Host-lwa_bind_${'q'.repeat(16)}=v`, `__Host-lwa_state_short=v`, `${b}=v`].join('; ');
    expect(capped(cookie, 2)).toEqual([cleared(a)]);
  });
});
