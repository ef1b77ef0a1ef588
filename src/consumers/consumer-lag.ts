import type { LagQuery, MessageBus, PartitionLag } from '../datasources/message-bus.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { PeriodicPass } from '../concurrency/periodic-pass.js';

export interface PartitionLagReport extends Omit<PartitionLag, 'oldestUnprocessedAt'> {
  /** Age of the oldest unprocessed message; null when caught up or when this instance cannot tell. */
  oldestUnprocessedSeconds: number | null;
  /** Since when the committed offset has not moved while messages wait; null when it moves or nothing waits. */
  stalledSince: string | null;
}

export interface GroupLagReport {
  groupId: string;
  topics: string[];
  lag: number;
  oldestUnprocessedSeconds: number | null;
  partitions: PartitionLagReport[];
  /** Set when the broker could not be asked on the last pass; the figures are then from an earlier one. */
  error?: string;
}

export interface LagReport {
  checkedAt: string | null;
  groups: GroupLagReport[];
}

/**
 * Consumer lag per group and partition, computed every interval from the broker (end
 * offsets and the groups' committed offsets), so it is right from the first pass after a
 * start and shows a partition that stopped moving, whether this instance consumes it or
 * not. Feeds `kafka_consumer_lag`, `kafka_consumer_oldest_unprocessed_seconds` and /health.
 */
export class ConsumerLagMonitor {
  private readonly watched = new Map<string, LagQuery>();
  private readonly groups = new Map<string, GroupLagReport>();
  private checkedAt: Date | null = null;
  private readonly periodic = new PeriodicPass(
    () => this.pass(),
    (error) => this.logger.warn({ err: error }, 'consumer lag: pass failed; the next one retries'),
  );

  constructor(
    private readonly bus: MessageBus,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly gauges?: { lag: Metrics['consumerLag']; oldestUnprocessed: Metrics['consumerOldestUnprocessed'] },
  ) {}

  watch(query: LagQuery): this {
    this.watched.set(query.groupId, query);
    return this;
  }

  /** First pass at once, then one per interval. */
  start() {
    this.periodic.start(this.intervalMs, { immediately: true });
  }

  stop() {
    return this.periodic.stop();
  }

  /** The last pass's figures (a pass in progress is not waited for). */
  report(): LagReport {
    return { checkedAt: this.checkedAt?.toISOString() ?? null, groups: [...this.groups.values()] };
  }

  /**
   * The last pass's figures; right after a start, when no pass has finished yet, waits
   * up to `timeoutMs` for the first one rather than answer with nothing.
   */
  async current(timeoutMs: number): Promise<LagReport> {
    if (this.checkedAt || this.watched.size === 0) return this.report();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.refresh().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    return this.report();
  }

  /** Asks the broker now; concurrent callers share one pass. */
  refresh(): Promise<LagReport> {
    return this.periodic.run();
  }

  private async pass(): Promise<LagReport> {
    const now = new Date();
    await Promise.all(
      [...this.watched.values()].map(async (query) => {
        try {
          this.groups.set(query.groupId, this.summarise(query, await this.bus.lag(query), now));
        } catch (error) {
          const previous = this.groups.get(query.groupId);
          const message = error instanceof Error ? error.message : String(error);
          this.groups.set(query.groupId, { ...(previous ?? emptyReport(query)), error: message });
          this.logger.warn({ groupId: query.groupId, err: error }, 'consumer lag: broker not answering');
        }
      }),
    );
    this.checkedAt = now;
    return this.report();
  }

  private summarise(query: LagQuery, partitions: PartitionLag[], now: Date): GroupLagReport {
    const previous = new Map((this.groups.get(query.groupId)?.partitions ?? []).map((p) => [`${p.topic}:${p.partition}`, p]));
    const reports = partitions.map((partition): PartitionLagReport => {
      const before = previous.get(`${partition.topic}:${partition.partition}`);
      const stuck = partition.lag > 0 && before !== undefined && before.committedOffset === partition.committedOffset && before.lag > 0;
      const stalledSince = stuck ? (before.stalledSince ?? this.checkedAt?.toISOString() ?? now.toISOString()) : null;
      const oldest = partition.oldestUnprocessedAt;
      const oldestUnprocessedSeconds = oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : partition.lag === 0 ? 0 : null;
      const labels = { group: query.groupId, topic: partition.topic, partition: String(partition.partition) };
      this.gauges?.lag.set(labels, partition.lag);
      if (oldestUnprocessedSeconds === null) this.gauges?.oldestUnprocessed.remove(labels);
      else this.gauges?.oldestUnprocessed.set(labels, oldestUnprocessedSeconds);
      if (stalledSince && !before?.stalledSince) {
        this.logger.warn({ ...labels, lag: partition.lag, committedOffset: partition.committedOffset }, 'consumer lag: partition not moving while messages wait');
      }
      const { oldestUnprocessedAt: _oldest, ...figures } = partition;
      return { ...figures, oldestUnprocessedSeconds, stalledSince };
    });
    const known = reports.map((p) => p.oldestUnprocessedSeconds).filter((s): s is number => s !== null);
    return {
      groupId: query.groupId,
      topics: query.topics,
      lag: reports.reduce((sum, p) => sum + p.lag, 0),
      oldestUnprocessedSeconds: known.length > 0 ? Math.max(...known) : null,
      partitions: reports,
    };
  }
}

function emptyReport(query: LagQuery): GroupLagReport {
  return { groupId: query.groupId, topics: query.topics, lag: 0, oldestUnprocessedSeconds: null, partitions: [] };
}
