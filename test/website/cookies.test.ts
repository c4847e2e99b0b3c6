/** The website strategy's own cookies: how each framework's request leads to a response, parsing, attributes, names. */
import { describe, expect, test } from '@jest/globals';
import { cookieScopeOf, cookieValues, fastifyReplyHook, flowCookieName, serializeCookie, setCookieOf } from '../../lib/website/cookies.js';

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
  test('HttpOnly, SameSite=Lax, Secure only for an https callback, Path the callback\'s path', () => {
    expect(serializeCookie('n', 'v', cookieScopeOf('https://a.example/auth/cb?x=1'), 600)).toBe('n=v; Path=/auth/cb; Max-Age=600; HttpOnly; SameSite=Lax; Secure');
    expect(serializeCookie('n', '', cookieScopeOf('http://localhost:3000/cb'), 0)).toBe('n=; Path=/cb; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
  });

  test('a name per strategy and state: cookie-safe whatever the strategy is called', () => {
    const name = flowCookieName('lwa_state_', 'a strategy; with=odd "chars"', 'S'.repeat(43));
    expect(name).toMatch(/^lwa_state_[\w-]{16}$/);
    expect(flowCookieName('lwa_state_', 'amazon', 'S'.repeat(43))).not.toBe(flowCookieName('lwa_state_', 'amazon', 'T'.repeat(43)));
    expect(flowCookieName('lwa_state_', 'amazon', 'S'.repeat(43))).not.toBe(flowCookieName('lwa_state_', 'other', 'S'.repeat(43)));
  });
});
