/**
 * refresh() checks the refresh token before any call: 1 to 2048 visible ASCII characters, else a
 * TypeError that never quotes the value. Through the website strategy (which delegates to the
 * shared TokenEndpoint) against nock, and through TokenEndpoint on its own.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import { REFRESH_TOKEN_MESSAGE, TokenEndpoint } from '../../lib/amazon/token-endpoint.js';
import type { AmazonClient } from '../../lib/amazon/client.js';
import { LoginWithAmazonOAuth2Strategy } from '../../lib/index.js';
import { CLIENT_ID, NA } from '../helpers/amazon-nock.js';

const SECRET = 'refresh-input-client-secret-0123456789abcdef';
const TOKEN_SET = { access_token: 'Atza|fresh', refresh_token: 'Atzr|same', token_type: 'bearer', expires_in: 3600 };

function strategy(): LoginWithAmazonOAuth2Strategy {
  return new LoginWithAmazonOAuth2Strategy({
    clientID: CLIENT_ID, clientSecret: SECRET, callbackURL: 'https://app.example/auth/amazon/callback', timeout: 1000, retries: 0,
  }, (_a, _r, profile, done) => { done(null, { id: profile.id }); });
}

/** A token endpoint on nock that records every body it is sent. */
function tokenEndpoint(): { bodies: string[] } {
  const bodies: string[] = [];
  nock(NA).post('/auth/o2/token', (body: unknown) => { bodies.push(JSON.stringify(body)); return true; }).optionally().reply(200, TOKEN_SET);
  return { bodies };
}
afterEach(() => { nock.cleanAll(); });

const TEN_MB = `Atzr|${'A'.repeat(10 * 1024 * 1024)}`;
const refused: [string, unknown][] = [
  ['a 10 MB string', TEN_MB],
  ['2049 characters', `Atzr|${'B'.repeat(2044)}`],
  ['an empty string', ''],
  ['a trailing newline', 'Atzr|IwEBInewline\n'],
  ['a CRLF before "&grant_type=authorization_code"', 'Atzr|IwEBIcrlf\r\n&grant_type=authorization_code&code=ANcodeOfTheAttacker'],
  ['a space before "&grant_type=authorization_code"', 'Atzr|IwEBIspace &grant_type=authorization_code'],
  ['a NUL', 'Atzr|IwEBI\u0000nul'],
  ['a tab', 'Atzr|IwEBI\ttab'],
  ['a non-ASCII character', 'Atzr|IwEBIé'],
  ['DEL (0x7F)', 'Atzr|IwEBI\u007f'],
  ['undefined', undefined],
  ['null', null],
  ['a number', 12345],
  ['an object', { toString: () => 'Atzr|IwEBIobject' }],
  ['an array', ['Atzr|IwEBIarray']],
  ['a Buffer', Buffer.from('Atzr|IwEBIbuffer')],
  ['a String object', Object('Atzr|IwEBIboxed') as unknown],
];

describe('refresh() refuses, before any call, what is not 1 to 2048 visible ASCII characters', () => {
  test.each(refused)('%s is a TypeError that does not quote it, and no call', async (_name, value) => {
    const amazon = tokenEndpoint();
    const err = await strategy().refresh(value as string).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/^"refreshToken" must be /);
    expect(amazon.bodies).toEqual([]);
    // The part of a string past its "Atzr|" prefix shows in no view of the error.
    const fragment = typeof value === 'string' && value.length > 5 ? value.slice(5, 20) : 'no fragment for a non-string';
    const views = [(err as Error).message, (err as Error).stack ?? '', inspect(err, { showHidden: true }), JSON.stringify(err)];
    for (const view of views) expect(view).not.toContain(fragment);
  });

  test.each(refused)('TokenEndpoint.refresh(%s) itself refuses, and its client is never asked', async (_name, value) => {
    const postForm = jest.fn(async () => ({ status: 200, raw: JSON.stringify(TOKEN_SET) }));
    const endpoint = new TokenEndpoint({ postForm } as unknown as AmazonClient, { tokenURL: `${NA}/auth/o2/token`, clientID: CLIENT_ID, clientSecret: SECRET, clientAuthentication: 'body' });
    await expect(endpoint.refresh(value as string)).rejects.toThrow(new TypeError(REFRESH_TOKEN_MESSAGE));
    expect(postForm).not.toHaveBeenCalled();
  });
});

describe('refresh() sends what is 1 to 2048 visible ASCII characters', () => {
  test.each<[string, string]>([
    ['one character', 'A'],
    ['2048 characters', `Atzr|${'C'.repeat(2043)}`],
    ['every visible ASCII character', Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join('')],
  ])('%s: one POST, the token as one form field', async (_name, value) => {
    const amazon = tokenEndpoint();
    await expect(strategy().refresh(value)).resolves.toMatchObject({ accessToken: 'Atza|fresh' });
    expect(amazon.bodies).toHaveLength(1);
    expect(JSON.parse(amazon.bodies[0] ?? '{}')).toEqual({ grant_type: 'refresh_token', refresh_token: value, client_id: CLIENT_ID, client_secret: SECRET });
  });

  test('"&grant_type=authorization_code" inside a visible token is form-encoded: it cannot add or replace a field', async () => {
    const amazon = tokenEndpoint();
    const value = 'Atzr|IwEBI&grant_type=authorization_code&code=ANcodeOfTheAttacker&client_id=other';
    await strategy().refresh(value);
    expect(JSON.parse(amazon.bodies[0] ?? '{}')).toEqual({ grant_type: 'refresh_token', refresh_token: value, client_id: CLIENT_ID, client_secret: SECRET });
  });
});
