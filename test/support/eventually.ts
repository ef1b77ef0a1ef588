import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long; default 15 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 50 ms. Doubles up to `maxIntervalMs` when that is set. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Says what was awaited, in the failure. */
  what?: string;
}

/**
 * Runs `check` until it resolves (an assertion that holds), for state that arrives
 * through another process or a broker and offers no event to await. On timeout it
 * throws with what was awaited and the last failure.
 */
export async function eventually<T>(check: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 50, maxIntervalMs = intervalMs, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (let pause = intervalMs; ; pause = Math.min(pause * 2, maxIntervalMs)) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() + pause > deadline) {
        const last = error instanceof Error ? error.message : String(error);
        throw new Error(`${what} not reached within ${timeoutMs} ms; last failure: ${last}`, { cause: error });
      }
      await sleep(pause);
    }
  }
}
