import { LRUCache } from 'lru-cache';

/**
 * What executing one operation read and did besides reading: the events its answer
 * depends on, whether it listed events, the rate-limit buckets it drew on and the
 * events whose view it recorded. A cached answer depends on the same events and must
 * draw on the same buckets and record the same views when it is served again.
 */
export class ReadRecord {
  readonly eventIds = new Set<string>();
  /** A list's members change with any event's details (created, moved, made private…). */
  listed = false;
  /** The list's order comes from the trending board, which moves without the events changing. */
  ranked = false;
  readonly charges = new Set<string>();
  readonly viewedEventIds: string[] = [];

  /** The answer shows this event, or would if it existed and were visible. */
  event(eventId: string): void {
    this.eventIds.add(eventId);
  }

  /** The answer lists these events. */
  list(eventIds: Iterable<string>): void {
    this.listed = true;
    for (const eventId of eventIds) this.eventIds.add(eventId);
  }

  /** The answer lists these events in the trending board's order. */
  rankedList(eventIds: Iterable<string>): void {
    this.list(eventIds);
    this.ranked = true;
  }

  charged(bucket: string): void {
    this.charges.add(bucket);
  }

  viewed(eventId: string): void {
    this.viewedEventIds.push(eventId);
  }
}

/** For operations whose answers are never cached (signed-in callers): notes nothing. */
export const NOT_RECORDED: ReadRecord = new (class extends ReadRecord {
  override event(): void {}
  override list(): void {}
  override rankedList(): void {}
  override charged(): void {}
  override viewed(): void {}
})();

/** A response kept for anonymous callers, with what it depends on and what serving it does. */
export interface CachedResponse {
  /** The response: text when short (written with the headers in one write), else its UTF-8 bytes (not encoded again per hit). */
  body: string | Buffer;
  /** Its size in bytes (UTF-8). */
  bytes: number;
  eventIds: readonly string[];
  listed: boolean;
  /** Kept only `rankedTtlMs`: the order changes without an event changing. */
  ranked: boolean;
  charges: readonly string[];
  viewedEventIds: readonly string[];
}

export interface ResponseCacheOptions {
  /** Bytes of response bodies kept at most (0 turns the cache off). */
  maxBytes: number;
  /** Longest life of an entry: bounds how long a change made on another instance can go unseen. */
  ttlMs: number;
  /** Longest life of a ranked answer (trending): the board's order moves without an invalidation. */
  rankedTtlMs: number;
  onLookup?: (hit: boolean) => void;
}

interface Invalidation {
  epoch: number;
  eventId: string;
  lists: boolean;
}

/** Invalidations remembered for reads still running; a read older than all of them is not stored. */
const RECENT_INVALIDATIONS = 256;
/** Keys asked for once recently: an answer is kept from the second time it is asked for. */
const ASKED_ONCE_KEPT = 10_000;

/**
 * Answers to anonymous reads of public event data, by normalised operation and
 * variables. Every change of an event removes, before the change's own response goes
 * out, the entries that contain that event, and for a change of its details (not just
 * its counts) every entry that lists events. A read that raced a change is not stored:
 * the read notes the invalidation epoch when it starts, and an entry is kept only if no
 * invalidation since then touched what it depends on. An answer is kept only from the
 * second time its key is asked for: one-off operations (a unique id, a crawler's walk)
 * never push out the ones that are asked for again and again.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedResponse> | null;
  private readonly byEvent = new Map<string, Set<string>>();
  private readonly lists = new Set<string>();
  private readonly recent: Invalidation[] = [];
  private readonly askedOnce = new LRUCache<string, true>({ max: ASKED_ONCE_KEPT });
  private epoch = 0;

  constructor(private readonly options: ResponseCacheOptions) {
    this.entries =
      options.maxBytes > 0
        ? new LRUCache<string, CachedResponse>({
            maxSize: options.maxBytes,
            sizeCalculation: (entry) => Math.max(1, entry.bytes),
            ttl: options.ttlMs,
            // Ages read to the 100 ms: the TTL is seconds, and a clock read per lookup shows in profiles.
            ttlResolution: 100,
            dispose: (entry, key) => this.unindex(key, entry),
          })
        : null;
  }

  get enabled(): boolean {
    return this.entries !== null;
  }

  get(key: string): CachedResponse | undefined {
    if (!this.entries) return undefined;
    const entry = this.entries.get(key);
    this.options.onLookup?.(entry !== undefined);
    return entry;
  }

  /** The epoch a read starts at; hand it back to `set`. */
  begin(): number {
    return this.epoch;
  }

  /** Keeps `entry` unless a change since `startedAt` touched what it depends on; true when kept. */
  set(key: string, entry: CachedResponse, startedAt: number): boolean {
    if (!this.entries || !this.unchangedSince(startedAt, entry)) return false;
    if (!this.askedOnce.has(key)) {
      this.askedOnce.set(key, true);
      return false;
    }
    this.askedOnce.delete(key);
    this.entries.set(key, entry, entry.ranked ? { ttl: Math.min(this.options.rankedTtlMs, this.options.ttlMs) } : undefined);
    if (!this.entries.has(key)) return false;
    for (const eventId of entry.eventIds) {
      let keys = this.byEvent.get(eventId);
      if (!keys) this.byEvent.set(eventId, (keys = new Set()));
      keys.add(key);
    }
    if (entry.listed) this.lists.add(key);
    return true;
  }

  /**
   * `eventId` changed: its counts only (`lists` false), or details that may move it into
   * or out of lists.
   */
  invalidate(eventId: string, lists: boolean): void {
    if (!this.entries) return;
    this.epoch += 1;
    this.recent.push({ epoch: this.epoch, eventId, lists });
    if (this.recent.length > RECENT_INVALIDATIONS) this.recent.shift();
    for (const key of [...(this.byEvent.get(eventId) ?? [])]) this.entries.delete(key);
    if (lists) for (const key of [...this.lists]) this.entries.delete(key);
  }

  clear(): void {
    this.entries?.clear();
    this.askedOnce.clear();
  }

  private unchangedSince(startedAt: number, entry: CachedResponse): boolean {
    if (startedAt === this.epoch) return true;
    const oldest = this.recent[0];
    // The invalidations since the read began are no longer all known.
    if (!oldest || oldest.epoch > startedAt + 1) return false;
    return !this.recent.some((change) => change.epoch > startedAt && ((change.lists && entry.listed) || entry.eventIds.includes(change.eventId)));
  }

  private unindex(key: string, entry: CachedResponse) {
    for (const eventId of entry.eventIds) {
      const keys = this.byEvent.get(eventId);
      keys?.delete(key);
      if (keys?.size === 0) this.byEvent.delete(eventId);
    }
    this.lists.delete(key);
  }
}
