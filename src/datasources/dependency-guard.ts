import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface DependencyGuardOptions {
  /** Longest a single call may take before it fails (the driver's work is abandoned). */
  timeoutMs: number;
  /** Consecutive failed calls that open the breaker. */
  failuresToOpen: number;
  /** While open, how often the dependency is pinged in the background to close it again. */
  probeIntervalMs: number;
  /** A ping straight to the dependency (not through this guard). */
  probe: () => Promise<unknown>;
  /** Told each change of state (logs, metrics). */
  onStateChange?: (state: BreakerState, cause?: unknown) => void;
}

const SLOW_CALL_TIMEOUT_MS = 30_000;

/** A call refused without trying: the breaker is open. */
export class CircuitOpenError extends Error {
  constructor(dependency: string) {
    super(`${dependency} is unavailable (circuit open); not tried`);
    this.name = 'CircuitOpenError';
  }
}

/** A call that did not answer within its time. */
export class CallTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/**
 * A timeout and a circuit breaker around every call to one dependency (cockatiel). After
 * `failuresToOpen` consecutive failures the breaker opens and calls fail at once, without
 * touching the dependency; it is held open while a background ping retries every
 * `probeIntervalMs`, and closes as soon as one answers. Requests are never the probe, so
 * while a dependency is away every request that needs it fails equally fast.
 */
export class DependencyGuard {
  private readonly breaker: CircuitBreakerPolicy;
  private isolation: { dispose(): void } | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly dependency: string,
    private readonly options: DependencyGuardOptions,
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: 24 * 3600_000,
      breaker: new ConsecutiveBreaker(options.failuresToOpen),
    });
    this.breaker.onBreak((reason) => {
      if ('isolated' in reason) return;
      // Held open until a background ping answers, instead of letting a request be the probe.
      queueMicrotask(() => this.holdOpen('error' in reason ? reason.error : undefined));
    });
  }

  get state(): BreakerState {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  /**
   * Runs `call` under the timeout and the breaker; a refused or timed-out call throws
   * CircuitOpenError or CallTimeoutError. `slow` calls (schema work at start-up: indexes,
   * topics, constraints) get at least 30 s.
   */
  async execute<R>(call: () => Promise<R>, slow = false): Promise<R> {
    const timeoutMs = slow ? Math.max(SLOW_CALL_TIMEOUT_MS, this.options.timeoutMs) : this.options.timeoutMs;
    try {
      return await this.breaker.execute(() => withinTime(call(), timeoutMs));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw new CircuitOpenError(this.dependency);
      throw error;
    }
  }

  /** Stops probing (the app is shutting down). */
  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private holdOpen(cause: unknown) {
    if (this.isolation || this.closed) return;
    this.isolation = this.breaker.isolate();
    this.options.onStateChange?.('open', cause);
    this.scheduleProbe();
  }

  private scheduleProbe() {
    this.probeTimer = setTimeout(() => void this.probe(), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe() {
    if (this.closed) return;
    try {
      await withinTime(this.options.probe(), this.options.timeoutMs);
    } catch {
      this.scheduleProbe();
      return;
    }
    const isolation = this.isolation;
    this.isolation = undefined;
    isolation?.dispose();
    this.options.onStateChange?.('closed');
  }
}

/**
 * The call's answer, or CallTimeoutError once `timeoutMs` have passed (the driver's work
 * is abandoned, not cancelled). One timer per call: cockatiel's timeout policy costs an
 * AbortController and, on every return, an abort with its DOMException — a tenth of the
 * CPU of a cheap cached read under load. When the timer fires the refusal waits for the
 * I/O phase that follows: timers run before I/O in each turn of the event loop, so after
 * a long busy turn an answer that has already arrived would otherwise lose to its timer
 * (seen as bursts of false timeouts, and an open breaker, at the start of a load).
 */
function withinTime<R>(answer: Promise<R>, timeoutMs: number): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!settled) reject(new CallTimeoutError(timeoutMs));
        }),
      timeoutMs,
    );
    answer.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
