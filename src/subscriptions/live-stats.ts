import { EventEmitter } from 'node:events';
import { inSlices } from '../concurrency/in-slices.js';
import type { LiveAccess } from '../domain/rsvps/live-access.js';
import type { EventRecord } from '../domain/events/model.js';
import type { EventStatsChange } from '../domain/rsvps/model.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';

interface Throttle {
  lastSentAt: number;
  /** Highest version seen; older readings arriving late are dropped. */
  version: number;
  latest: EventStatsChange | null;
  timer: NodeJS.Timeout | null;
}


const REVALIDATION_SLICE = 200;

/**
 * A subscriber's stream of one event's counts. Read with `next()`, or hand every change
 * to a function with `deliverTo` (the socket server's shared fan-out): then `next()`
 * only reports how the stream ends — done, or failed when access ended.
 */
export interface LiveStream extends AsyncIterableIterator<EventStatsChange> {
  deliverTo(sink: (change: EventStatsChange) => void): void;
}

export function isLiveStream(value: unknown): value is LiveStream {
  return typeof (value as Partial<LiveStream> | null)?.deliverTo === 'function';
}

interface Watcher {
  viewerId: string | null;
  mayView: LiveAccess['mayView'];
  fail(error: unknown): void;
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
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly intervalMs: number;

  constructor(
    maxPerSecond: number,
    /** A fresh read of one event (null when it is gone). */
    private readonly readEvent: (eventId: string) => Promise<EventRecord | null>,
    private readonly logger: Logger,
  ) {
    this.intervalMs = 1000 / maxPerSecond;
    this.emitter.setMaxListeners(0);
  }

  /**
   * Something that may take the event away from its subscribers happened (privacy
   * changed, a co-host removed, an answer withdrawn, the event deleted): every affected
   * subscriber — only `userId`'s when given — is checked again against one fresh read,
   * and those who may no longer see it get NOT_FOUND, which ends their stream.
   */
  async revalidate(eventId: string, userId?: string | null): Promise<void> {
    const watchers = [...(this.watchers.get(eventId) ?? [])].filter((watcher) => !userId || watcher.viewerId === userId);
    if (watchers.length === 0) return;
    const event = await this.readEvent(eventId);
    // In slices, so thousands of subscribers of a FRIENDS event do not query the graph all at once.
    await inSlices(watchers, REVALIDATION_SLICE, (watcher) => this.check(watcher, event, eventId));
  }

  /**
   * Every live stream of `userId` checked again, one fresh read per event it watches: what
   * they may see changed without any event changing (a friendship ended). Found by a scan
   * of all streams, which such a change is rare enough for.
   */
  async revalidateViewer(userId: string): Promise<void> {
    const watched = [...this.watchers].filter(([, watchers]) => [...watchers].some((watcher) => watcher.viewerId === userId));
    await Promise.all(watched.map(([eventId]) => this.revalidate(eventId, userId)));
  }

  private async check(watcher: Watcher, event: EventRecord | null, eventId: string) {
    try {
      if (!(await watcher.mayView(event))) watcher.fail(new NotFoundError('Event', eventId, 'eventId'));
    } catch (error) {
      // Unsure is not allowed: the stream ends rather than keep sending.
      this.logger.warn({ err: error, eventId }, 'live: could not check access again; ending the stream');
      watcher.fail(error);
    }
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

  /** Live subscriptions of this instance, over all events. */
  totalSubscribers(): number {
    let total = 0;
    for (const eventId of this.emitter.eventNames()) total += this.emitter.listenerCount(eventId);
    return total;
  }

  /**
   * Changes of one event from now on; `return()` (the client unsubscribing) detaches at
   * once. A small queue per subscriber rather than `events.on()`, whose buffers cost
   * about 32 KB per subscriber; only the latest reading matters, so it keeps one.
   * With `access`, the stream fails (ending the subscription with that error) once the
   * subscriber may no longer see the event or their authority ends.
   */
  subscribe(eventId: string, access?: LiveAccess): LiveStream {
    let pending: EventStatsChange | null = null;
    let sink: ((change: EventStatsChange) => void) | null = null;
    let waiting: { resolve: (result: IteratorResult<EventStatsChange>) => void; reject: (error: unknown) => void } | null = null;
    let done = false;
    let failure: { error: unknown } | null = null;
    const listener = (change: EventStatsChange) => {
      if (sink) sink(change);
      else if (waiting) {
        const wake = waiting;
        waiting = null;
        wake.resolve({ done: false, value: change });
      } else pending = change;
    };
    this.emitter.on(eventId, listener);
    let stopListening: (() => void) | null = null;
    const detach = () => {
      done = true;
      this.emitter.off(eventId, listener);
      if (watcher) this.unwatch(eventId, watcher);
      stopListening?.();
    };
    const fail = (error: unknown) => {
      if (done) return;
      detach();
      pending = null;
      if (waiting) {
        waiting.reject(error);
        waiting = null;
      } else failure = { error };
    };
    const watcher: Watcher | null = access ? { viewerId: access.viewerId, mayView: access.mayView, fail } : null;
    if (watcher) this.watch(eventId, watcher);
    stopListening = access?.authority?.onEnd(fail) ?? null;
    const finish = (): Promise<IteratorResult<EventStatsChange>> => {
      detach();
      waiting?.resolve({ done: true, value: undefined });
      waiting = null;
      return Promise.resolve({ done: true, value: undefined });
    };
    const iterator: LiveStream = {
      deliverTo: (to) => {
        sink = to;
        if (pending && !done) to(pending);
        pending = null;
      },
      next: () => {
        if (failure) {
          const { error } = failure;
          failure = null;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve({ done: true, value: undefined });
        if (pending) {
          const value = pending;
          pending = null;
          return Promise.resolve({ done: false, value });
        }
        return new Promise((resolve, reject) => (waiting = { resolve, reject }));
      },
      return: finish,
      throw: (error?: unknown) => finish().then(() => Promise.reject(error)),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private watch(eventId: string, watcher: Watcher) {
    let watchers = this.watchers.get(eventId);
    if (!watchers) this.watchers.set(eventId, (watchers = new Set()));
    watchers.add(watcher);
  }

  private unwatch(eventId: string, watcher: Watcher) {
    const watchers = this.watchers.get(eventId);
    watchers?.delete(watcher);
    if (watchers?.size === 0) this.watchers.delete(eventId);
  }

  close() {
    for (const throttle of this.throttles.values()) if (throttle.timer) clearTimeout(throttle.timer);
    this.throttles.clear();
    this.watchers.clear();
    this.emitter.removeAllListeners();
  }
}
