/**
 * The command line's "did you mean" hint, on its own: the edit distance, the closest option (a
 * prefix from three letters on, else a distance small for the option's length), and the names the
 * hint is made from.
 */
import { describe, expect, test } from '@jest/globals';
import { closest, distance, parseCommand, UsageError } from '../../lib/cli/args.js';

describe('distance: insertions, deletions and substitutions, the last letter included', () => {
  test.each([
    ['', '', 0], ['', 'abc', 3], ['abc', '', 3], ['abc', 'abc', 0],
    ['abc', 'abd', 1], ['abc', 'ab', 1], ['ab', 'abc', 1], ['jsno', 'json', 2],
    ['kitten', 'sitting', 3], ['flaw', 'lawn', 2], ['intention', 'execution', 5], ['x', 'y', 1],
  ])('%j to %j is %i', (a, b, d) => {
    expect(distance(a, b)).toBe(d);
  });
});

describe('closest', () => {
  const FAKE = ['port', 'client-id', 'redirect-uri', 'json'];
  const CHECK = ['client-id', 'region', 'tokeninfo-url'];
  test.each([
    // A prefix of an option, from three letters on, far from it by distance.
    ['red', FAKE, 'redirect-uri'],
    ['tok', CHECK, 'tokeninfo-url'],
    // An option followed by more, far from it by distance.
    ['jsonlines', FAKE, 'json'],
    ['redirect-uri-for-the-app', FAKE, 'redirect-uri'],
    // Typos: a distance of at most 2, or a third of the option's length.
    ['jsno', FAKE, 'json'],
    ['tokeninfo-ulr', CHECK, 'tokeninfo-url'],
    ['client_id', CHECK, 'client-id'],
  ])('%j among %j is %j', (name, known, guess) => {
    expect(closest(name, known)).toBe(guess);
  });

  test.each([
    // Two letters are no prefix: "re" is 4 edits from "region", more than 2.
    ['re', CHECK],
    ['rd', FAKE],
    // A prefix counts at the start only: "uri" ends "redirect-uri", "id" ends "client-id".
    ['uri', FAKE],
    ['verbose', CHECK],
    ['region', FAKE],
    ['anything', []],
  ])('%j among %j has no guess', (name, known) => {
    expect(closest(name, known)).toBeUndefined();
  });
});

describe('parseCommand names what is wrong in the command line\'s words', () => {
  const OPTIONS = { 'redirect-uri': { type: 'string' }, json: { type: 'boolean' } } as const;
  const message = (args: string[]): string => {
    try {
      parseCommand('fake', args, OPTIONS, false);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('no UsageError');
  };
  test.each([
    [['--red', 'x'], 'fake: unknown option --red (did you mean --redirect-uri?)'],
    [['--re', 'x'], 'fake: unknown option --re (fake takes --redirect-uri, --json)'],
    [['--jsonlines'], 'fake: unknown option --jsonlines (did you mean --json?)'],
    [['-j'], 'fake: unknown option -j (fake takes --redirect-uri, --json)'],
  ])('%j: %s', (args, expected) => {
    expect(message(args)).toBe(expected);
  });

  test('the options it knows come back as parsed, repeated ones in order', () => {
    expect(parseCommand('fake', ['--redirect-uri', 'a', '--json'], { ...OPTIONS, 'redirect-uri': { type: 'string', multiple: true } }, false))
      .toEqual({ values: { 'redirect-uri': ['a'], json: true }, positionals: [] });
  });
});
