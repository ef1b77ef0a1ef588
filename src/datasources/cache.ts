/** The key-value port (Redis or in-process): cache entries, once-only markers, rate limits. */
export interface KeyValueStore {
  readonly kind: 'redis' | 'embedded';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Sets the key only if absent; true when this caller set it (a lease or once-only marker). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
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
