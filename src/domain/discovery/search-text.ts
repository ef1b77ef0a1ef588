import { BadUserInputError } from '../../errors.js';

/**
 * How event text becomes searchable words, in one place for the stored tokens and the
 * queries that look them up: Unicode-decomposed, accents dropped, lower case, split on
 * anything that is not a letter or a digit ("Café-Jazz" → "cafe", "jazz").
 */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Stored words are cut to this length; a longer query word is compared in full in memory. */
export const MAX_WORD_LENGTH = 32;
/** Prefixes are stored from two letters up to this length (so "jaz" finds "jazz"). */
const MIN_PREFIX_LENGTH = 2;
export const MAX_PREFIX_LENGTH = 12;
/** Distinct description words that get tokens: long descriptions must not bloat the index. */
const MAX_DESCRIPTION_WORDS = 200;

export const MAX_QUERY_LENGTH = 200;
const MAX_QUERY_WORDS = 10;

export interface SearchableText {
  title: string;
  tags: readonly string[];
  description: string | null;
}

/**
 * The tokens stored with an event for lookups: every distinct word of its title, tags
 * and (the first 200 distinct words of its) description, and the prefixes of 2–12
 * letters of the title's and tags' words. An index on them answers "which events contain
 * this word or begin a title or tag word with this prefix"; the exact ranking is then
 * worked out from the text itself. Description words are stored whole only: their
 * prefixes would double the index for the field that ranks lowest.
 */
export function searchTokensOf(event: SearchableText): string[] {
  const tokens = new Set<string>();
  const add = (word: string, withPrefixes: boolean) => {
    const stored = word.slice(0, MAX_WORD_LENGTH);
    tokens.add(stored);
    if (!withPrefixes) return;
    for (let length = MIN_PREFIX_LENGTH; length < Math.min(stored.length, MAX_PREFIX_LENGTH + 1); length++) tokens.add(stored.slice(0, length));
  };
  for (const word of wordsOf(event.title)) add(word, true);
  for (const word of event.tags.flatMap((tag) => wordsOf(tag))) add(word, true);
  for (const word of [...new Set(wordsOf(event.description))].slice(0, MAX_DESCRIPTION_WORDS)) add(word, false);
  return [...tokens];
}

/** A parsed search: whole words that must all match, and the last word, which matches as a prefix. */
export interface SearchQuery {
  words: string[];
  /** The last word typed; matches any word it begins. */
  prefix: string;
}

/**
 * The query's words (case and accents folded), or BAD_USER_INPUT on `query` when it is
 * empty, longer than 200 characters, has no letters or digits, or more than ten words.
 */
export function parseSearchQuery(query: string, field = 'query'): SearchQuery {
  if (query.trim() === '') throw new BadUserInputError(`${field} must not be empty`, field);
  if (query.length > MAX_QUERY_LENGTH) throw new BadUserInputError(`${field} must be at most ${MAX_QUERY_LENGTH} characters`, field);
  const all = wordsOf(query);
  if (all.length === 0) throw new BadUserInputError(`${field} must contain a letter or a digit`, field);
  const prefix = all.at(-1)!;
  const words = [...new Set(all.slice(0, -1))].filter((word) => word !== prefix);
  if (words.length + 1 > MAX_QUERY_WORDS) throw new BadUserInputError(`${field} may have at most ${MAX_QUERY_WORDS} words`, field);
  return { words, prefix };
}

/**
 * The tokens an event must all carry to match the query: a superset of the matches,
 * narrowed exactly in memory. A one-letter last word has no stored prefix, so it is
 * looked up only when it is the query's one word (as that whole word).
 */
export function lookupTokens(query: SearchQuery): string[] {
  const tokens = query.words.map((word) => word.slice(0, MAX_WORD_LENGTH));
  if (query.prefix.length >= MIN_PREFIX_LENGTH) tokens.push(query.prefix.slice(0, MAX_PREFIX_LENGTH));
  else if (tokens.length === 0) tokens.push(query.prefix);
  return [...new Set(tokens)];
}
