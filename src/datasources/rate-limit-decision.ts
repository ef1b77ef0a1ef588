import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitDecision } from './cache.js';

/** The limiter of `bucket`, or a programmer error naming the known ones. */
export function limiterOf<L>(limiters: ReadonlyMap<string, L>, bucket: string): L {
  const limiter = limiters.get(bucket);
  if (!limiter) throw new Error(`unknown rate-limit bucket "${bucket}"; known: ${[...limiters.keys()].join(', ')}`);
  return limiter;
}

/**
 * One point of `callerKey`'s budget. rate-limiter-flexible rejects with a
 * RateLimiterRes when the limit is hit; any other rejection is the store failing.
 */
export async function consumePoint(limiter: RateLimiterAbstract, callerKey: string): Promise<RateLimitDecision> {
  try {
    const result = await limiter.consume(callerKey);
    return { allowed: true, retryAfterSeconds: 0, remaining: result.remainingPoints };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), remaining: 0 };
    }
    throw rejection;
  }
}
