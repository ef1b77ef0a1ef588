import { EventEmitter } from 'node:events';
import type { EventStatsChange } from '../domain/rsvps/model.js';

interface Throttle {
  lastSentAt: number;
  /** Highest version seen; older readings arriving late are dropped. */
  version: number;
  latest: EventStatsChange | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Live answer counts per event for the subscribers of this instance.
 *
 * Under a burst, changes of one event are coalesced: at most `maxPerSecond` go out,
 * the latest counts replace older pending ones, and the last change of a burst is
 * always delivered (trailing edge), so screens settle on the exact final counts.
 */
export class LiveStats {
  private readonly emitter = new EventEmitter();
  private readonly throttles = new Map<string, Throttle>();
  private readonly intervalMs: number;

  constructor(maxPerSecond: number) {
    this.intervalMs = 1000 / maxPerSecond;
    this.emitter.setMaxListeners(0);
  }

  publish(change: EventStatsChange) {
    const key = change.eventId;
    let throttle = this.throttles.get(key);
    if (!throttle) {
      throttle = { lastSentAt: 0, version: -1, latest: null, timer: null };
      this.throttles.set(key, throttle);
    }
    // Counts are absolute: a reading older than one already seen is stale.
    if (change.version < throttle.version) return;
    throttle.version = change.version;
    throttle.latest = change;
    if (throttle.timer) return;
    const wait = throttle.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0) this.flush(key, throttle);
    else {
      throttle.timer = setTimeout(() => this.flush(key, throttle), wait);
      throttle.timer.unref();
    }
  }

  private flush(key: string, throttle: Throttle) {
    throttle.timer = null;
    const change = throttle.latest;
    throttle.latest = null;
    if (!change) return;
    throttle.lastSentAt = Date.now();
    this.emitter.emit(key, change);
    // Nobody listening: forget the event (a late stale reading can only reach nobody).
    if (this.emitter.listenerCount(key) === 0) this.throttles.delete(key);
  }

  subscriberCount(eventId: string): number {
    return this.emitter.listenerCount(eventId);
  }

  /**
   * Changes of one event from now on; `return()` (the client unsubscribing) detaches at
   * once. A small queue per subscriber rather than `events.on()`, whose buffers cost
   * about 32 KB per subscriber; only the latest reading matters, so it keeps one.
   */
  subscribe(eventId: string): AsyncIterableIterator<EventStatsChange> {
    let pending: EventStatsChange | null = null;
    let waiting: ((result: IteratorResult<EventStatsChange>) => void) | null = null;
    let done = false;
    const listener = (change: EventStatsChange) => {
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake({ done: false, value: change });
      } else pending = change;
    };
    this.emitter.on(eventId, listener);
    const finish = (): Promise<IteratorResult<EventStatsChange>> => {
      done = true;
      this.emitter.off(eventId, listener);
      waiting?.({ done: true, value: undefined });
      waiting = null;
      return Promise.resolve({ done: true, value: undefined });
    };
    const iterator: AsyncIterableIterator<EventStatsChange> = {
      next: () => {
        if (done) return Promise.resolve({ done: true, value: undefined });
        if (pending) {
          const value = pending;
          pending = null;
          return Promise.resolve({ done: false, value });
        }
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: (error?: unknown) => finish().then(() => Promise.reject(error)),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  close() {
    for (const throttle of this.throttles.values()) if (throttle.timer) clearTimeout(throttle.timer);
    this.throttles.clear();
    this.emitter.removeAllListeners();
  }
}
