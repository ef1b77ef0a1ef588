import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimitRule, RateLimiter } from '../cache.js';
import { callDatastore, DatastoreError, type DatastoreInstruments } from '../driver-errors.js';
import { consumePoint, limiterOf } from '../rate-limit-decision.js';
import type { RedisClient } from './redis-key-value-store.js';

/**
 * What a bucket does while Redis cannot count: `local` keeps the same rule per instance
 * (N instances allow up to N times the limit), `open` lets requests through, `closed`
 * refuses them.
 */
export type WithoutRedis = 'local' | 'open' | 'closed';

/**
 * The choice per bucket. Writes keep a limit (per instance) so an outage is no invitation
 * to flood; reads are let through, since serving them is what an outage must not stop and
 * the cost limit still bounds each request. Nothing fails closed: mutations must keep
 * working without Redis. Buckets not named here are `local`.
 */
export const WITHOUT_REDIS: Readonly<Record<string, WithoutRedis>> = {
  create: 'local',
  rsvp: 'local',
  post: 'local',
  invite: 'local',
  browse: 'open',
  search: 'open',
};

interface Bucket {
  shared: RateLimiterRedis;
  local: RateLimiterMemory;
  withoutRedis: WithoutRedis;
}

/**
 * Fixed-window limits per (bucket, caller), counted in Redis so every instance shares
 * them. Each count is one key updated by one script, so it works on a Redis Cluster as
 * is. While Redis cannot answer (down, or its breaker open), each bucket follows its
 * WITHOUT_REDIS choice instead of failing the request.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    redisClient: RedisClient,
    rules: Record<string, RateLimitRule>,
    keyPrefix = 'rate',
    private readonly instruments?: DatastoreInstruments,
    withoutRedis: Readonly<Record<string, WithoutRedis>> = WITHOUT_REDIS,
  ) {
    for (const [bucket, rule] of Object.entries(rules)) {
      assertRule(bucket, rule);
      const options = { points: rule.points, duration: rule.windowSeconds, keyPrefix: `${keyPrefix}:${bucket}` };
      this.buckets.set(bucket, {
        // Rejects at once instead of waiting on a dead connection.
        shared: new RateLimiterRedis({ ...options, storeClient: redisClient, rejectIfRedisNotReady: true }),
        local: new RateLimiterMemory(options),
        withoutRedis: withoutRedis[bucket] ?? 'local',
      });
    }
  }

  async consume(bucket: string, callerKey: string): Promise<RateLimitDecision> {
    const { shared, local, withoutRedis } = limiterOf(this.buckets, bucket);
    try {
      return await callDatastore('redis', 'rateLimit', () => consumePoint(shared, callerKey), { instruments: this.instruments });
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      if (withoutRedis === 'open') return { allowed: true, retryAfterSeconds: 0, remaining: 0 };
      if (withoutRedis === 'closed') return { allowed: false, retryAfterSeconds: 1, remaining: 0 };
      return consumePoint(local, callerKey);
    }
  }
}

function assertRule(bucket: string, rule: RateLimitRule) {
  // Redis expiries are whole seconds in rate-limiter-flexible's script.
  if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new RangeError(`rate-limit rule "${bucket}" needs whole points ≥ 1 and windowSeconds ≥ 1`);
  }
}
