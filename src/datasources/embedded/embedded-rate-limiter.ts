import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimitRule, RateLimiter } from '../cache.js';

/**
 * Fixed-window limits per (bucket, caller) in process memory: the same counting as
 * `RedisRateLimiter`, but per instance.
 */
export class EmbeddedRateLimiter implements RateLimiter {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  constructor(rules: Record<string, RateLimitRule>) {
    for (const [bucket, rule] of Object.entries(rules)) {
      assertRule(bucket, rule);
      this.limiters.set(bucket, new RateLimiterMemory({ points: rule.points, duration: rule.windowSeconds, keyPrefix: bucket }));
    }
  }

  async consume(bucket: string, callerKey: string): Promise<RateLimitDecision> {
    const limiter = this.limiters.get(bucket);
    if (!limiter) throw new Error(`unknown rate-limit bucket "${bucket}"; known: ${[...this.limiters.keys()].join(', ')}`);
    try {
      const result = await limiter.consume(callerKey);
      return { allowed: true, retryAfterSeconds: 0, remaining: result.remainingPoints };
    } catch (rejection) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the limit is hit.
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), remaining: 0 };
      }
      throw rejection;
    }
  }
}

function assertRule(bucket: string, rule: RateLimitRule) {
  // Whole seconds, as the Redis limiter requires, so a rule behaves the same on both.
  if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new RangeError(`rate-limit rule "${bucket}" needs whole points ≥ 1 and windowSeconds ≥ 1`);
  }
}
