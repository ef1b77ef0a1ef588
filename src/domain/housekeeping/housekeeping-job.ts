import type { StoreLease } from '../../datasources/store-lease.js';
import type { Logger } from '../../logger.js';
import { PeriodicPass } from '../../concurrency/periodic-pass.js';

/** One kind of bookkeeping record and how long it must be kept. */
export interface PruneTask {
  name: string;
  retentionMs: number;
  /** Removes the records older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

export type HousekeepingPass = { ran: false } | { ran: true; pruned: Record<string, number>; failed: string[] };

export interface HousekeepingDeps {
  lease: StoreLease;
  logger: Logger;
  tasks: PruneTask[];
  /** Told how many records each task removed. */
  onPruned?: (task: string, removed: number) => void;
}

/**
 * Prunes bookkeeping the stores cannot expire themselves (FerretDB has no TTL indexes):
 * processed-message ids, reminder claims, user tombstones, ended friendships and dead
 * letters, each once older than its retention. One instance runs a pass at a time (a
 * lease in the document store); a failing task does not stop the others, and the next
 * pass picks up whatever was left.
 */
export class HousekeepingJob {
  private readonly periodic = new PeriodicPass(
    () => this.runOnce(),
    (error) => this.deps.logger.warn({ err: error }, 'housekeeping: pass failed; the next pass retries'),
  );

  constructor(private readonly deps: HousekeepingDeps) {}

  start(intervalMs: number) {
    this.periodic.start(intervalMs);
  }

  stop() {
    return this.periodic.stop();
  }

  async runOnce(now = new Date()): Promise<HousekeepingPass> {
    const { lease, logger, tasks } = this.deps;
    if (!(await lease.acquire(now))) {
      logger.debug('housekeeping: another instance holds the lease; skipped');
      return { ran: false };
    }
    const pruned: Record<string, number> = {};
    const failed: string[] = [];
    try {
      for (const task of tasks) {
        const started = Date.now();
        const before = new Date(now.getTime() - task.retentionMs);
        try {
          const removed = await task.prune(before);
          pruned[task.name] = removed;
          this.deps.onPruned?.(task.name, removed);
          logger.info({ task: task.name, removed, before, ms: Date.now() - started }, 'housekeeping: task done');
        } catch (error) {
          failed.push(task.name);
          logger.warn({ task: task.name, err: error }, 'housekeeping: task failed');
        }
      }
    } finally {
      await lease.release().catch((error: unknown) => logger.warn({ err: error }, 'housekeeping: lease not released; it expires by itself'));
    }
    logger.info({ pruned, failed }, 'housekeeping: pass done');
    return { ran: true, pruned, failed };
  }
}
