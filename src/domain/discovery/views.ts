import { inSlices } from '../../concurrency/in-slices.js';
import { PeriodicPass } from '../../concurrency/periodic-pass.js';
import type { KeyValueStore } from '../../datasources/cache.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { Logger } from '../../logger.js';
import { EventViewed } from '../messaging/event-messages.js';

/** A day's distinct viewers of an event are kept a day past it. */
const DISTINCT_VIEWERS_TTL_SECONDS = 2 * 86_400;
/** Events flushed at once. */
const FLUSH_CONCURRENCY = 16;

const DAY_MS = 86_400_000;

/** The UTC calendar day of `at`, YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC day of a time, formatted once per day rather than once per call (a view is recorded on every `event(id)`). */
class UtcDayClock {
  private day = '';
  private start = 0;

  of(ms: number): string {
    if (ms < this.start || ms >= this.start + DAY_MS) {
      this.start = ms - (ms % DAY_MS);
      this.day = utcDay(new Date(this.start));
    }
    return this.day;
  }
}

export interface ViewRecorderDeps {
  kv: Pick<KeyValueStore, 'countDistinct'>;
  events: Pick<EventRepository, 'countViews'>;
  eventSource: string;
  logger: Logger;
  /** Views held between flushes at most; further ones are dropped until the next flush. */
  maxBuffered: number;
  onDropped?: () => void;
  /** Told how many new unique views a flush wrote. */
  onCounted?: (views: number) => void;
}

/**
 * Unique views per viewer (or anonymous client) and day, without any I/O when a view
 * happens: `record` only notes it in memory. A periodic flush adds each event's viewers
 * to that day's distinct count in Redis (a HyperLogLog: all instances share it) and
 * writes what the count grew by into the event's `stats.views`, with an `event.viewed`
 * message that feeds trending.
 */
export class ViewRecorder {
  private pending = new Map<string, Set<string>>();
  private bufferedCount = 0;
  private readonly days = new UtcDayClock();
  private readonly periodic = new PeriodicPass(
    () => this.flushOnce(),
    (error) => this.deps.logger.warn({ err: error }, 'views: flush failed; the next flush retries'),
  );

  constructor(private readonly deps: ViewRecorderDeps) {}

  /** Views recorded and not flushed yet (shown in /health). */
  get buffered(): number {
    return this.bufferedCount;
  }

  /** Notes that `viewerKey` saw the event now. Synchronous and in memory only. */
  record(eventId: string, viewerKey: string, at = Date.now()): void {
    const key = `${this.days.of(at)}|${eventId}`;
    let viewers = this.pending.get(key);
    if (viewers?.has(viewerKey)) return;
    if (this.bufferedCount >= this.deps.maxBuffered) {
      this.deps.onDropped?.();
      return;
    }
    if (!viewers) {
      viewers = new Set();
      this.pending.set(key, viewers);
    }
    viewers.add(viewerKey);
    this.bufferedCount += 1;
  }

  start(intervalMs: number): void {
    this.periodic.start(intervalMs);
  }

  /** Stops flushing after a last flush of what is buffered. */
  async stop(): Promise<void> {
    await this.periodic.stop();
    await this.flush().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'views: last flush failed; its views are lost'));
  }

  /** Counts and writes everything recorded so far; returns the new unique views written. */
  async flush(): Promise<number> {
    // A pass under way took its batch before the latest views: it is joined, then one more takes them.
    let counted = await this.periodic.run();
    if (this.pending.size > 0) counted += await this.periodic.run();
    return counted;
  }

  private async flushOnce(): Promise<number> {
    const batch = [...this.pending];
    this.pending = new Map();
    this.bufferedCount = 0;
    const counted = (await inSlices(batch, FLUSH_CONCURRENCY, ([key, viewers]) => this.flushEvent(key, viewers))).reduce((sum, views) => sum + views, 0);
    if (counted > 0) this.deps.onCounted?.(counted);
    return counted;
  }

  private async flushEvent(key: string, viewers: Set<string>): Promise<number> {
    const [day, eventId] = key.split('|') as [string, string];
    let grown: number;
    try {
      grown = await this.deps.kv.countDistinct(`views:${eventId}:${day}`, [...viewers], DISTINCT_VIEWERS_TTL_SECONDS);
    } catch (error) {
      // Not counted yet: keep them for the next flush.
      for (const viewer of viewers) this.record(eventId, viewer, Date.parse(`${day}T12:00:00Z`));
      this.deps.logger.warn({ err: error, eventId }, 'views: distinct count unavailable; kept for the next flush');
      return 0;
    }
    if (grown === 0) return 0;
    try {
      const message = EventViewed.create(this.deps.eventSource, eventId, { eventId, day, views: grown });
      await this.deps.events.countViews(eventId, grown, [message]);
      return grown;
    } catch (error) {
      this.deps.logger.warn({ err: error, eventId, views: grown }, 'views: counted but not written to the event; they are lost');
      return 0;
    }
  }
}
