import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimitRule, RateLimiter } from '../cache.js';
import { consumePoint, limiterOf } from '../rate-limit-decision.js';

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
    return consumePoint(limiterOf(this.limiters, bucket), callerKey);
  }
}

function assertRule(bucket: string, rule: RateLimitRule) {
  // Whole seconds, as the Redis limiter requires, so a rule behaves the same on both.
  if (!Number.isInteger(rule.points) || rule.points < 1 || !Number.isInteger(rule.windowSeconds) || rule.windowSeconds < 1) {
    throw new RangeError(`rate-limit rule "${bucket}" needs whole points ≥ 1 and windowSeconds ≥ 1`);
  }
}
