/**
 * The small checks every options object uses (lib/core/option-checks.ts, lib/core/agent-option.ts),
 * on their own: each bound on both sides, each refusal's exact message, the typo hint's distance.
 */
import http from 'node:http';
import https from 'node:https';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { agentOption } from '../../lib/core/agent-option.js';
import {
  assertKnownKeys, booleanOption, closest, endpointURL, idOption, integer, isLoopback, isNonEmptyString, MAX_TIMEOUT,
  optionsObject, stringOption,
} from '../../lib/core/option-checks.js';

/** Levenshtein distance, written independently of the library's: the full matrix, flat, by definition. */
function levenshtein(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? Number.NaN;
  for (let i = 0; i <= a.length; i += 1) {
    for (let j = 0; j <= b.length; j += 1) {
      d[i * width + j] = i === 0 || j === 0
        ? i + j
        : Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return at(a.length, b.length);
}

describe('closest (the "did you mean" hint)', () => {
  test.each([
    // [typed, known, hint]: the threshold is max(2, floor(length / 3)) edits of the typed key.
    ['timeOut', ['timeout'], 'timeout'], // case alone is no edit
    ['cach', ['cache'], 'cache'], // one insertion
    ['cachee', ['cache'], 'cache'], // one deletion
    ['cacha', ['cache'], 'cache'], // one substitution
    ['ab', ['xy'], 'xy'], // 2 edits, threshold 2 (the floor of short keys)
    ['abc', ['xyz'], undefined], // 3 edits, threshold 2
    ['abcdef', ['abcdxy'], 'abcdxy'], // 2 edits, threshold 2
    ['abcdef', ['abcxyz'], undefined], // 3 edits, threshold 2
    ['abcdefghi', ['abcdefxyz'], 'abcdefxyz'], // 3 edits, threshold 3
    ['abcdefghi', ['abcdewxyz'], undefined], // 4 edits, threshold 3
    ['abcdefghijkl', ['abcdefghwxyz'], 'abcdefghwxyz'], // 4 edits, threshold 4
    ['abcdefghijkl', ['abcdefgvwxyz'], undefined], // 5 edits, threshold 4
    ['secrets', ['store', 'secret', 'ttl'], 'secret'], // the nearest of several, wherever it is
    ['ttll', ['ttl', 'secret', 'store'], 'ttl'],
    ['ab', ['ac', 'ad'], 'ac'], // a tie goes to the first
    ['ab', ['zz', 'ad', 'ac'], 'ad'],
    ['anything', [], undefined],
  ] as const)('closest(%j, %j) is %j', (key, known, hint) => {
    expect(closest(key, known)).toBe(hint);
  });

  test('hints exactly when the edit distance is within the threshold (independent Levenshtein)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'D'), maxLength: 9 });
    fc.assert(fc.property(word, word, (key, candidate) => {
      const edits = levenshtein(key.toLowerCase(), candidate.toLowerCase());
      const expected = edits <= Math.max(2, Math.floor(key.length / 3)) ? candidate : undefined;
      expect(closest(key, [candidate])).toBe(expected);
    }), { seed: 17, numRuns: 2000 });
  });
});

describe('assertKnownKeys', () => {
  test('passes known keys, inherited ones are not looked at', () => {
    expect(() => { assertKnownKeys({ a: 1, b: undefined }, ['a', 'b']); }).not.toThrow();
    expect(() => { assertKnownKeys(Object.create({ stray: 1 }) as Record<string, unknown>, ['a']); }).not.toThrow();
  });

  test.each([
    [{ tokenSource: 1 }, ['tokenSources'], '', 'unknown option "tokenSource"; did you mean "tokenSources"?'],
    [{ ttll: 1 }, ['ttl'], 'cache.', 'unknown option "cache.ttll"; did you mean "cache.ttl"?'],
    [{ proxy: 1 }, ['http', 'https'], 'agent.', 'unknown option "agent.proxy"'],
    [{ a: 1, zzzzzz: 2 }, ['a'], '', 'unknown option "zzzzzz"'],
  ] as const)('%j against %j (%j) throws %j', (options, known, where, message) => {
    expect(() => { assertKnownKeys(options, known, where); }).toThrow(new TypeError(message));
  });
});

describe('optionsObject', () => {
  test('returns a plain object as it is', () => {
    const given = { a: 1 };
    expect(optionsObject(given, 'cache')).toBe(given);
  });

  test.each([[null], [[]], ['x'], [5], [undefined], [() => ({})]])('refuses %p', (value) => {
    expect(() => optionsObject(value, 'cache')).toThrow(new TypeError('"cache" must be an object'));
  });
});

describe('isNonEmptyString', () => {
  test.each([['x', true], [' x ', true], ['', false], [' \t\n', false], [5, false], [undefined, false]])('%j is %j', (value, expected) => {
    expect(isNonEmptyString(value)).toBe(expected);
  });
});

describe('idOption', () => {
  const message = '"clientID" must be a non-empty string of at most 100 bytes without whitespace or commas';

  test.each([
    ['amzn1.application-oa2-client.abc'],
    ['a'.repeat(100)],
    ['é'.repeat(50)], // 100 bytes
  ])('accepts %j', (value) => {
    expect(idOption(value, 'clientID')).toBe(value);
  });

  test.each([
    ['a'.repeat(101)],
    ['é'.repeat(51)], // 51 characters, 102 bytes
    [''],
    ['   '],
    ['a b'],
    ['a\tb'],
    ['a\nb'],
    ['a,b'],
    [','],
    [5],
    [undefined],
  ])('refuses %j', (value) => {
    expect(() => idOption(value, 'clientID')).toThrow(new TypeError(message));
  });
});

describe('stringOption', () => {
  test('the fallback only when undefined; the value as given otherwise', () => {
    expect(stringOption(undefined, 'realm', 'Users')).toBe('Users');
    expect(stringOption(' Shop ', 'realm', 'Users')).toBe(' Shop ');
  });

  test.each([[''], [' '], [5], [null], [false]])('refuses %j', (value) => {
    expect(() => stringOption(value, 'realm', 'Users')).toThrow(new TypeError('"realm" must be a non-empty string'));
  });
});

describe('integer', () => {
  test('the fallback only when undefined; both bounds are included', () => {
    expect(integer(undefined, 'timeout', 7, 1, 10)).toBe(7);
    expect(integer(1, 'timeout', 7, 1, 10)).toBe(1);
    expect(integer(10, 'timeout', 7, 1, 10)).toBe(10);
    expect(integer(0, 'ttl', 7, 0, MAX_TIMEOUT)).toBe(0);
    expect(integer(MAX_TIMEOUT, 'ttl', 7, 0, MAX_TIMEOUT)).toBe(2_147_483_647);
  });

  test.each([[0], [11], [1.5], ['5'], [Number.NaN], [Infinity], [null]])('refuses %p', (value) => {
    expect(() => integer(value, 'timeout', 7, 1, 10)).toThrow(new TypeError('"timeout" must be an integer from 1 to 10'));
  });

  test('MAX_TIMEOUT is the largest timer Node accepts', () => {
    expect(MAX_TIMEOUT).toBe(2 ** 31 - 1);
  });
});

describe('booleanOption', () => {
  test('the fallback only when undefined', () => {
    expect(booleanOption(undefined, 'flag', true)).toBe(true);
    expect(booleanOption(undefined, 'flag', false)).toBe(false);
    expect(booleanOption(false, 'flag', true)).toBe(false);
    expect(booleanOption(true, 'flag', false)).toBe(true);
  });

  test.each([['true'], [0], [1], [null]])('refuses %j', (value) => {
    expect(() => booleanOption(value, 'flag', true)).toThrow(new TypeError('"flag" must be a boolean'));
  });
});

describe('isLoopback', () => {
  test.each([
    ['localhost', true],
    ['[::1]', true],
    ['127.0.0.1', true],
    ['127.255.255.255', true],
    ['127.1.22.233', true],
    ['::1', false],
    ['127.0.0', false],
    ['127.0.0.1.example.com', false],
    ['x127.0.0.1', false],
    ['127.1000.0.1', false],
    ['127.a.0.1', false],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['0.0.0.0', false],
  ])('%j is %j', (hostname, expected) => {
    expect(isLoopback(hostname)).toBe(expected);
  });
});

describe('endpointURL', () => {
  const message = '"tokenURL" must be an absolute https: URL (http: only on loopback), without credentials';

  test.each([
    ['https://api.amazon.com/auth/o2/token', 'https://api.amazon.com/auth/o2/token'],
    ['https://API.amazon.com', 'https://api.amazon.com/'],
    ['https://api.amazon.com/a?b=1', 'https://api.amazon.com/a?b=1'],
    ['http://localhost:3000/token', 'http://localhost:3000/token'],
    ['http://127.0.0.1/token', 'http://127.0.0.1/token'],
    ['http://[::1]:8080/', 'http://[::1]:8080/'],
  ])('accepts %j as %j', (value, href) => {
    expect(endpointURL(value, 'tokenURL', 'https://fallback.example/')).toBe(href);
  });

  test('the fallback only when undefined', () => {
    expect(endpointURL(undefined, 'tokenURL', 'https://fallback.example/')).toBe('https://fallback.example/');
  });

  test.each([
    ['http://api.amazon.com/token'],
    ['http://10.0.0.1/token'],
    ['ftp://localhost/token'],
    ['https://user@api.amazon.com/'],
    ['https://:pass@api.amazon.com/'],
    ['https://user:pass@api.amazon.com/'],
    ['/auth/o2/token'],
    ['not a url'],
    [''],
    [5],
    [null],
  ])('refuses %j', (value) => {
    expect(() => endpointURL(value, 'tokenURL', 'https://fallback.example/')).toThrow(new TypeError(message));
  });
});

describe('agentOption', () => {
  const httpAgent = new http.Agent();
  const httpsAgent = new https.Agent();

  test('no option, no agent', () => {
    expect(agentOption(undefined)).toEqual({});
    expect(Object.keys(agentOption(undefined))).toEqual([]);
  });

  test('keeps exactly the agents given', () => {
    expect(agentOption({})).toStrictEqual({ agent: {} });
    expect(agentOption({ http: undefined, https: undefined })).toStrictEqual({ agent: {} });
    const onlyHttp = agentOption({ http: httpAgent });
    expect(onlyHttp).toStrictEqual({ agent: { http: httpAgent } });
    expect(onlyHttp.agent?.http).toBe(httpAgent);
    expect(Object.keys(onlyHttp.agent ?? {})).toEqual(['http']);
    const onlyHttps = agentOption({ https: httpsAgent });
    expect(Object.keys(onlyHttps.agent ?? {})).toEqual(['https']);
    expect(onlyHttps.agent?.https).toBe(httpsAgent);
    const both = agentOption({ http: httpAgent, https: httpsAgent });
    expect(both.agent?.http).toBe(httpAgent);
    expect(both.agent?.https).toBe(httpsAgent);
  });

  test('an agent-like object (it has addRequest) is taken', () => {
    const custom = { addRequest: () => undefined };
    expect(agentOption({ https: custom }).agent?.https).toBe(custom);
  });

  test.each([
    [null, '"agent" must be an object'],
    ['http://proxy:3128', '"agent" must be an object'],
    [[httpAgent], '"agent" must be an object'],
    [{ proxy: httpAgent }, 'unknown option "agent.proxy"'],
    [{ htps: httpsAgent }, 'unknown option "agent.htps"; did you mean "agent.https"?'],
    [{ http: null }, '"agent.http" must be an http.Agent (such as hpagent\'s proxy agents)'],
    [{ http: {} }, '"agent.http" must be an http.Agent (such as hpagent\'s proxy agents)'],
    [{ https: { addRequest: 'yes' } }, '"agent.https" must be an http.Agent (such as hpagent\'s proxy agents)'],
    [{ https: Object.assign(() => undefined, { addRequest: () => undefined }) }, '"agent.https" must be an http.Agent (such as hpagent\'s proxy agents)'],
    [{ http: httpAgent, https: 'http://proxy:3128' }, '"agent.https" must be an http.Agent (such as hpagent\'s proxy agents)'],
  ])('refuses %p', (value, message) => {
    expect(() => agentOption(value)).toThrow(new TypeError(message));
  });
});

test('endpointURL takes a string only, not a URL object', () => {
  expect(() => endpointURL(new URL('https://api.amazon.com/auth/o2/token'), 'tokenURL', 'https://fallback.example/')).toThrow(TypeError);
});
