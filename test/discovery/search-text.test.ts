import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookupTokens, parseSearchQuery, searchTokensOf, wordsOf } from '../../src/domain/discovery/search-text.js';
import { searchRelevance } from '../../src/domain/discovery/scoring.js';

const event = (title: string, tags: string[] = [], description: string | null = null) => ({ title, tags, description });

describe('search text', () => {
  it('folds case and accents and splits on anything but letters and digits', () => {
    assert.deepEqual(wordsOf('Café-JAZZ à Noël, 2026!'), ['cafe', 'jazz', 'a', 'noel', '2026']);
    assert.deepEqual(wordsOf('Ångström  Straße  ÉCOLE'), ['angstrom', 'straße', 'ecole']);
    assert.deepEqual(wordsOf('!!! ---'), []);
    assert.deepEqual(wordsOf(null), []);
  });

  it('stores every word, with prefixes from two letters for title and tag words', () => {
    const tokens = new Set(searchTokensOf(event('Jazz Night', ['Live-Music'], 'At the Café')));
    for (const token of ['jazz', 'ja', 'jaz', 'night', 'ni', 'live', 'li', 'music', 'mu', 'cafe', 'at', 'the']) assert.ok(tokens.has(token), token);
    assert.ok(!tokens.has('caf') && !tokens.has('th'), 'description words are stored whole');
    assert.ok(!tokens.has('j'), 'no one-letter prefixes');
    assert.ok(!tokens.has('Jazz'), 'folded');
  });

  it('keeps the tokens of a long description bounded', () => {
    const description = Array.from({ length: 1_000 }, (_, i) => `word${i}`).join(' ');
    const tokens = searchTokensOf(event('Title', [], description));
    assert.ok(tokens.length < 2_500, `${tokens.length} tokens`);
  });

  it('refuses an empty query, one over 200 characters, one without letters or digits, and too many words', () => {
    for (const [query, message] of [
      ['', /must not be empty/],
      ['   ', /must not be empty/],
      ['a'.repeat(201), /at most 200 characters/],
      ['?! -- ...', /letter or a digit/],
      ['one two three four five six seven eight nine ten eleven', /at most 10 words/],
    ] as const) {
      assert.throws(() => parseSearchQuery(query), (error: { extensions?: { code?: string; field?: string }; message: string }) => {
        assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
        assert.equal(error.extensions?.field, 'query');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.deepEqual(parseSearchQuery('a'.repeat(200)).prefix, 'a'.repeat(200));
  });

  it('takes the last word as a prefix and looks up the rest whole', () => {
    assert.deepEqual(parseSearchQuery('Jazz  NIGHT jaz'), { words: ['jazz', 'night'], prefix: 'jaz' });
    assert.deepEqual(lookupTokens(parseSearchQuery('jazz ni')), ['jazz', 'ni']);
    // A one-letter last word is checked in memory only, unless it is the whole query.
    assert.deepEqual(lookupTokens(parseSearchQuery('jazz n')), ['jazz']);
    assert.deepEqual(lookupTokens(parseSearchQuery('n')), ['n']);
    // Longer than the stored prefixes: the longest stored prefix finds the candidates.
    assert.deepEqual(lookupTokens(parseSearchQuery('internationalisation')), ['internationa']);
  });

  it('ranks a title match above a tag, a tag above the description, and needs every word', () => {
    const query = parseSearchQuery('jazz');
    const title = searchRelevance(event('Jazz night'), query);
    const tag = searchRelevance(event('Night out', ['jazz']), query);
    const description = searchRelevance(event('Night out', [], 'Some jazz'), query);
    assert.ok(title > tag && tag > description && description > 0, `${title} ${tag} ${description}`);
    assert.equal(searchRelevance(event('Jazz night'), parseSearchQuery('jazz brunch')), 0);
    assert.ok(searchRelevance(event('Jazz brunch'), parseSearchQuery('jazz bru')) > 0);
    assert.equal(searchRelevance(event('Jazz brunch'), parseSearchQuery('jazz bx')), 0);
    assert.ok(searchRelevance(event('Internationalisation day'), parseSearchQuery('internationalisat')) > 0);
    // The last word begins title and tag words; description words it must match whole.
    assert.equal(searchRelevance(event('Night out', [], 'Some jazz'), parseSearchQuery('jaz')), 0);
    assert.ok(searchRelevance(event('Night out', [], 'Some jazz'), parseSearchQuery('night jazz')) > 0);
    assert.equal(searchRelevance(event('Internationalist day'), parseSearchQuery('internationalisat')), 0);
  });
});
