/** A member of a sorted set and its score. */
export interface ScoredMember {
  member: string;
  score: number;
}

/**
 * The key-value port (Redis or in-process): cache entries, once-only markers, rate
 * limits, sorted sets (rankings) and approximate distinct counts. Every operation names
 * one key, so each runs on one Redis Cluster node.
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'embedded';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Removes the key, whatever it holds (a value, a sorted set, a distinct count). */
  delete(key: string): Promise<void>;
  /** Sets the key only if absent; true when this caller set it (a lease or once-only marker). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Sets the scores of members of a sorted set, adding those it lacks. */
  sortedSetAdd(key: string, entries: readonly ScoredMember[]): Promise<void>;
  sortedSetRemove(key: string, members: readonly string[]): Promise<void>;
  /** Replaces the whole sorted set in one step: readers see the old members or the new, never a mix. No entries removes it. */
  sortedSetReplace(key: string, entries: readonly ScoredMember[]): Promise<void>;
  /**
   * Up to `count` members, highest score first (equal scores: greater member first),
   * strictly after `after` in that order when given (keyset paging).
   */
  sortedSetTop(key: string, count: number, after?: ScoredMember): Promise<ScoredMember[]>;
  /**
   * Adds members to an approximate count of distinct members (a HyperLogLog in Redis),
   * kept `ttlSeconds` after its last addition; returns how much the count grew, so that
   * callers adding to one key at once get growths that add up to the count.
   */
  countDistinct(key: string, members: readonly string[], ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the next attempt can succeed; 0 when allowed. */
  retryAfterSeconds: number;
  remaining: number;
}

export interface RateLimitRule {
  /** Requests allowed per window. */
  points: number;
  windowSeconds: number;
}

/** Fixed-window limits per (bucket, caller), shared by every instance when backed by Redis. */
export interface RateLimiter {
  consume(bucket: string, callerKey: string): Promise<RateLimitDecision>;
}
