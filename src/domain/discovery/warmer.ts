import { PeriodicPass } from '../../concurrency/periodic-pass.js';
import type { StoreLease } from '../../datasources/store-lease.js';
import type { Logger } from '../../logger.js';

/**
 * Rebuilds a cache from the store at start-up and every interval, on one instance at a
 * time: a lease in the document store, so it runs while Redis is away and refills Redis
 * as soon as Redis is back.
 */
export class Warmer {
  private readonly periodic = new PeriodicPass(
    () => this.runOnce(),
    (error) => this.logger.warn({ err: error, warmer: this.name }, `${this.name} warmer: pass failed; the next pass retries`),
  );

  constructor(
    readonly name: string,
    /** One rebuild; returns how many entries it wrote. */
    private readonly rebuild: () => Promise<number>,
    private readonly lease: StoreLease,
    private readonly logger: Logger,
    /** Frequent, cheap rebuilds log at debug. */
    private readonly level: 'info' | 'debug' = 'info',
  ) {}

  start(intervalMs: number): void {
    this.periodic.start(intervalMs, { immediately: true });
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One rebuild if this instance gets the lease: the entries written, or null when another instance holds it. */
  async runOnce(): Promise<number | null> {
    if (!(await this.lease.acquire())) return null;
    const started = Date.now();
    try {
      const entries = await this.rebuild();
      this.logger[this.level]({ warmer: this.name, entries, ms: Date.now() - started }, `${this.name} warmer: rebuilt`);
      return entries;
    } finally {
      await this.lease.release().catch((error: unknown) => this.logger.warn({ err: error, warmer: this.name }, `${this.name} warmer: lease not released; it expires by itself`));
    }
  }
}
