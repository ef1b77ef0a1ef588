/**
 * Every ranking rule of discovery in one readable place, so ranking can evolve without
 * touching how candidates are found: search relevance, the trending score and the
 * recommendation score with its reasons.
 */
import type { EventRecord } from '../events/model.js';
import type { SearchQuery } from './search-text.js';
import { wordsOf } from './search-text.js';

// Search

/** Where a query word matched; a word counts once, in the best field it matched. */
export const FIELD_WEIGHTS = { title: 3, tags: 2, description: 1 } as const;

/**
 * How well an event matches: for each query word, the weight of the best field holding
 * it (the last word as a prefix of a title or tag word, or a whole description word);
 * 0 when a word is missing, so the event does not match at all (every word must match).
 */
export function searchRelevance(event: Pick<EventRecord, 'title' | 'tags' | 'description'>, query: SearchQuery): number {
  const fields = [
    { weight: FIELD_WEIGHTS.title, words: wordsOf(event.title), prefixes: true },
    { weight: FIELD_WEIGHTS.tags, words: event.tags.flatMap((tag) => wordsOf(tag)), prefixes: true },
    { weight: FIELD_WEIGHTS.description, words: wordsOf(event.description), prefixes: false },
  ];
  const best = (word: string, asPrefix: boolean) =>
    Math.max(0, ...fields.filter((field) => field.words.some((candidate) => (asPrefix && field.prefixes ? candidate.startsWith(word) : candidate === word))).map((field) => field.weight));
  let total = 0;
  for (const word of [...query.words, query.prefix]) {
    const weight = best(word, word === query.prefix);
    if (weight === 0) return 0;
    total += weight;
  }
  return total;
}

// Trending

/** How much each kind of interaction adds to an event's trending score (config: TRENDING_WEIGHT_*). */
export interface TrendingWeights {
  /** A GOING answer; INTERESTED and MAYBE count half. */
  rsvp: number;
  share: number;
  /** One unique viewer on one day. */
  view: number;
  post: number;
}

export interface TrendingSettings {
  weights: TrendingWeights;
  /** An interaction counts half as much after this long. */
  halfLifeMs: number;
}

/**
 * An event's decayed score: `score` was its value at `at`; it halves every half-life.
 * Kept with the event in the store, so the Redis ranking can always be rebuilt from it.
 */
export interface TrendScore {
  score: number;
  at: Date;
}

/** The score after an interaction of `weight` at `at` (interactions may arrive out of order). */
export function addInteraction(current: TrendScore | null, weight: number, at: Date, halfLifeMs: number): TrendScore {
  if (!current) return { score: weight, at };
  const elapsed = at.getTime() - current.at.getTime();
  if (elapsed >= 0) return { score: current.score * 2 ** (-elapsed / halfLifeMs) + weight, at };
  return { score: current.score + weight * 2 ** (elapsed / halfLifeMs), at: current.at };
}

/**
 * A number that orders events by their score at any one moment: log2 of the score as of
 * a fixed origin (the epoch), so it never needs recomputing as time passes and fits a
 * sorted set. Higher is hotter.
 */
export function trendRank(trend: TrendScore, halfLifeMs: number): number {
  if (trend.score <= 0) return Number.NEGATIVE_INFINITY;
  return Math.log2(trend.score) + trend.at.getTime() / halfLifeMs;
}

/** The score a rank stands for at `now` (for showing and testing). */
export function scoreAt(rank: number, now: Date, halfLifeMs: number): number {
  return 2 ** (rank - now.getTime() / halfLifeMs);
}

export type RsvpAnswer = 'GOING' | 'INTERESTED' | 'MAYBE' | 'NOT_GOING';

/** What a changed answer adds: a new GOING the full weight, INTERESTED or MAYBE half; changes between them, withdrawals and NOT_GOING nothing. */
export function answerWeight(status: RsvpAnswer | null, previous: RsvpAnswer | null, weights: TrendingWeights): number {
  const interest = (answer: RsvpAnswer | null) => (answer === 'GOING' ? 1 : answer === 'INTERESTED' || answer === 'MAYBE' ? 0.5 : 0);
  return Math.max(0, interest(status) - interest(previous)) * weights.rsvp;
}

// Recommendations

export type RecommendationReason =
  | { kind: 'FRIENDS_GOING'; count: number; friendIds: string[] }
  | { kind: 'MATCHES_INTEREST'; interest: string }
  | { kind: 'NEARBY'; distanceKm: number }
  | { kind: 'POPULAR'; count: number };

export interface RecommendationSignals {
  /** Friends of the viewer going to the event. */
  friendsGoing: readonly string[];
  /** The viewer's interests the event's category or tags match. */
  interests: readonly string[];
  /** From the viewer's location, when both are known. */
  distanceKm: number | null;
  /** People going or interested. */
  popularity: number;
}

export const RECOMMENDATION_WEIGHTS = {
  /** Per friend going (the seed service's formula). */
  friendGoing: 2,
  /** Per person going or interested (the seed service's formula). */
  popularity: 0.1,
  /** Per matching interest, at most two counted. */
  interest: 1.5,
  /** At the viewer's door, falling linearly to 0 at `nearbyKm`. */
  nearby: 2,
  nearbyKm: 25,
  /** Popularity from which POPULAR is given as a reason. */
  popularThreshold: 10,
  /** Friends named in a FRIENDS_GOING reason. */
  friendsShown: 3,
} as const;

/** The score and the reasons behind it, strongest reason first; null when nothing recommends the event. */
export function recommend(signals: RecommendationSignals): { score: number; reasons: RecommendationReason[] } | null {
  const w = RECOMMENDATION_WEIGHTS;
  const parts: { points: number; reason: RecommendationReason }[] = [];
  if (signals.friendsGoing.length > 0) {
    parts.push({
      points: signals.friendsGoing.length * w.friendGoing,
      reason: { kind: 'FRIENDS_GOING', count: signals.friendsGoing.length, friendIds: signals.friendsGoing.slice(0, w.friendsShown) },
    });
  }
  for (const interest of signals.interests.slice(0, 2)) parts.push({ points: w.interest, reason: { kind: 'MATCHES_INTEREST', interest } });
  if (signals.distanceKm !== null && signals.distanceKm <= w.nearbyKm) {
    parts.push({ points: w.nearby * (1 - signals.distanceKm / w.nearbyKm), reason: { kind: 'NEARBY', distanceKm: round(signals.distanceKm) } });
  }
  const popularity = signals.popularity * w.popularity;
  if (signals.popularity >= w.popularThreshold) parts.push({ points: popularity, reason: { kind: 'POPULAR', count: signals.popularity } });
  if (parts.length === 0) return null;
  const score = parts.reduce((sum, part) => sum + part.points, signals.popularity >= w.popularThreshold ? 0 : popularity);
  return { score: round(score), reasons: parts.sort((a, b) => b.points - a.points).map((part) => part.reason) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
