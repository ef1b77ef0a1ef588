import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimitRule, RateLimiter } from '../cache.js';
import { callDatastore, type DatastoreInstruments } from '../driver-errors.js';
import { consumePoint, limiterOf } from '../rate-limit-decision.js';
import type { RedisClient } from './redis-key-value-store.js';

/**
 * Fixed-window limits per (bucket, caller), counted in Redis so every instance shares
 * them. Each count is one key updated by one script, so it works on a Redis Cluster as is. While Redis is unreachable each bucket falls back to an in-memory limiter with
 * the same rule (per instance, so briefly more permissive) rather than failing requests
 * or letting everything through.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    redisClient: RedisClient,
    rules: Record<string, RateLimitRule>,
    keyPrefix = 'rate',
    private readonly instruments?: DatastoreInstruments,
  ) {
    for (const [bucket, rule] of Object.entries(rules)) {
      assertRule(bucket, rule);
      const options = { points: rule.points, duration: rule.windowSeconds, keyPrefix: `${keyPrefix}:${bucket}` };
      this.limiters.set(
        bucket,
        new RateLimiterRedis({
          ...options,
          storeClient: redisClient,
          // Go to the insurance limiter at once instead of waiting on a dead connection.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(options),
        }),
      );
    }
  }

  async consume(bucket: string, callerKey: string): Promise<RateLimitDecision> {
    const limiter = limiterOf(this.limiters, bucket);
    return callDatastore('redis', 'rateLimit', () => consumePoint(limiter, callerKey), { instruments: this.instruments });
  }
}

function assertRule(bucket: string, rule: RateLimitRule) {
  // Redis expiries are whole seconds in rate-limiter-flexible's script.
  if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new RangeError(`rate-limit rule "${bucket}" needs whole points ≥ 1 and windowSeconds ≥ 1`);
  }
}
