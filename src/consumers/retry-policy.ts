/** How often to try a piece of work and how long to wait in between. */
export interface RetryPolicy {
  maxAttempts: number;
  /** Pause before the second attempt; doubles per further attempt. */
  firstDelayMs: number;
}

export type Attempted<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number };

export interface RetryHooks {
  /** Called after each failed attempt; `retryInMs` is null when no attempt follows. */
  onFailure?(error: unknown, attempt: number, retryInMs: number | null): void;
  /** An error this says is final ends the attempts at once. */
  isFinal?(error: unknown): boolean;
}

/** Runs `work` until it resolves or the attempts are used up; never throws itself. */
export async function attempt<T>(policy: RetryPolicy, work: (attempt: number) => Promise<T>, hooks: RetryHooks = {}): Promise<Attempted<T>> {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return { ok: true, value: await work(attempts), attempts };
    } catch (error) {
      const last = attempts >= policy.maxAttempts || hooks.isFinal?.(error) === true;
      const retryInMs = last ? null : policy.firstDelayMs * 2 ** (attempts - 1);
      hooks.onFailure?.(error, attempts, retryInMs);
      if (retryInMs === null) return { ok: false, error, attempts };
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}
