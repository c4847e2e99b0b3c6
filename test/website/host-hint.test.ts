/** The debug log's host hints (lib/website/host-hint.ts): which host the browser asked for, and what a mismatch with callbackURL likely means. */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { badStateReason, redirectHint, requestHostname } from '../../lib/website/host-hint.js';

const req = (headers: Record<string, unknown>): unknown => ({ headers });
const CALLBACK = 'http://localhost:3000/auth/amazon/callback';

describe('requestHostname', () => {
  test.each([
    [{ host: 'localhost:3000' }, 'localhost'],
    [{ host: 'App.Example.COM' }, 'app.example.com'],
    [{ host: '127.0.0.1:8080' }, '127.0.0.1'],
    [{ host: '[::1]:3000' }, '[::1]'],
    [{ host: 'internal:8080', 'x-forwarded-host': 'shop.example.com, proxy.internal' }, 'shop.example.com'],
    [{}, undefined],
    [{ host: 42 }, undefined],
    [{ host: 'evil host' }, undefined],
    [{ host: 'a\nPASSPORT-LOGIN-WITH-AMAZON 1: forged' }, undefined],
    [{ host: `${'a'.repeat(300)}.com` }, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(requestHostname(req(headers))).toBe(expected);
  });

  test('a request without headers, or no request at all, has no host', () => {
    for (const value of [undefined, null, 'GET /', {}, { headers: null }, { headers: 'host: x' }]) expect(requestHostname(value)).toBeUndefined();
  });

  test('for any Host header, the answer is undefined or a printable host name (no space, no control character, at most 255 characters)', () => {
    const odd: string[] = [];
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.option(fc.string({ maxLength: 400 })), (host, forwarded) => {
      const name = requestHostname(req(forwarded === null ? { host } : { host, 'x-forwarded-host': forwarded }));
      if (name !== undefined && !(/^[a-z0-9.\-[\]:]+$/.test(name) && name.length <= 255)) odd.push(name);
    }));
    expect(odd).toEqual([]);
  });
});

describe('redirectHint', () => {
  test('nothing when the browser is on callbackURL\'s host, whatever the port', () => {
    expect(redirectHint(req({ host: 'localhost:3000' }), CALLBACK)).toBeUndefined();
    expect(redirectHint(req({ host: 'localhost:4000' }), CALLBACK)).toBeUndefined(); // cookies ignore ports
    expect(redirectHint(req({}), CALLBACK)).toBeUndefined();
  });

  test('names both hosts and the way out when they differ', () => {
    expect(redirectHint(req({ host: '127.0.0.1:3000' }), CALLBACK)).toBe(
      'sign-in started on host 127.0.0.1, but callbackURL names localhost: the browser will not bring 127.0.0.1\'s cookies ' +
      'to the callback, which will then fail with 403; browse localhost, or make callbackURL name 127.0.0.1');
  });
});

describe('badStateReason', () => {
  test('no state in the URL', () => {
    expect(badStateReason(req({ host: 'localhost:3000' }), CALLBACK, undefined)).toMatch(/^no "state" in the callback URL/);
  });

  test('the callback reached on another host than callbackURL\'s', () => {
    expect(badStateReason(req({ host: '127.0.0.1:3000', cookie: 'a=b' }), CALLBACK, 's'))
      .toBe('no pending sign-in for this browser: the callback was reached on host 127.0.0.1, but callbackURL names localhost');
  });

  test.each([
    ['http://localhost:3000/cb', '127.0.0.1 vs localhost'],
    ['http://127.0.0.1:3000/cb', 'localhost vs 127.0.0.1'],
    ['http://[::1]:3000/cb', 'localhost vs [::1]'],
    ['https://www.example.com/cb', 'example.com vs www.example.com'],
    ['https://example.com/cb', 'www.example.com vs example.com'],
  ])('on callbackURL %s, the likely other host: %s', (callbackURL, pair) => {
    const host = new URL(callbackURL).host;
    expect(badStateReason(req({ host }), callbackURL, 's')).toContain(`(the browser sent no cookie at all): started on another host (${pair})?`);
    expect(badStateReason(req({ host, cookie: 'sid=1' }), callbackURL, 's')).toContain('(the browser\'s cookies hold none for this state)');
  });

  test('never repeats the state, nor the cookie\'s value', () => {
    const reason = badStateReason(req({ host: 'localhost:3000', cookie: 'sid=SECRETSESSION' }), CALLBACK, 'STATEVALUE0123');
    expect(reason).not.toMatch(/SECRETSESSION|STATEVALUE0123/);
  });
});
