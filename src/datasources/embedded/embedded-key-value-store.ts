import { performance } from 'node:perf_hooks';
import type { KeyValueStore, ScoredMember } from '../cache.js';
import { SortedList } from './sorted-list.js';

interface Entry {
  value: string;
  /** On the monotonic clock, so a wall-clock jump neither resurrects nor kills entries. */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/** Highest score first; equal scores by member, greater first (Redis' ZREVRANGE order). */
const descending = (a: ScoredMember, b: ScoredMember) => b.score - a.score || (a.member < b.member ? 1 : a.member > b.member ? -1 : 0);

/** A sorted set: scores by member, and the members in rank order. */
class SortedSet {
  private readonly scores = new Map<string, number>();
  private readonly order = new SortedList<ScoredMember>(descending);

  get size(): number {
    return this.scores.size;
  }

  add(member: string, score: number): void {
    this.remove(member);
    this.scores.set(member, score);
    this.order.insert({ member, score });
  }

  remove(member: string): void {
    const score = this.scores.get(member);
    if (score === undefined) return;
    this.scores.delete(member);
    this.order.remove({ member, score });
  }

  /** Up to `count` members in rank order, strictly after `after` when given. */
  top(count: number, after?: ScoredMember): ScoredMember[] {
    const start = after ? this.order.bound((entry) => descending(entry, after) <= 0) : { chunk: 0, offset: 0 };
    const found: ScoredMember[] = [];
    for (const entry of this.order.between(start, this.order.bound(() => true))) {
      if (found.length >= count) break;
      found.push({ ...entry });
    }
    return found;
  }
}

/** Distinct members per key: exact here, where Redis keeps a HyperLogLog estimate. */
interface DistinctEntry {
  members: Set<string>;
  expiresAt: number;
}

/**
 * Cache entries in process memory. Expiry is checked on every read, so a TTL is exact;
 * a periodic sweep (unref'd, so it never keeps the process alive) frees entries nobody
 * reads again.
 */
export class EmbeddedKeyValueStore implements KeyValueStore {
  readonly kind = 'embedded' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly sortedSets = new Map<string, SortedSet>();
  private readonly distinct = new Map<string, DistinctEntry>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.deadline(ttlSeconds) });
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    this.entries.delete(key);
    this.sortedSets.delete(key);
    this.distinct.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const expiresAt = this.deadline(ttlSeconds);
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt });
    return true;
  }

  async sortedSetAdd(key: string, entries: readonly ScoredMember[]): Promise<void> {
    this.assertOpen();
    if (entries.length === 0) return;
    let set = this.sortedSets.get(key);
    if (!set) {
      set = new SortedSet();
      this.sortedSets.set(key, set);
    }
    for (const { member, score } of entries) set.add(member, score);
  }

  async sortedSetRemove(key: string, members: readonly string[]): Promise<void> {
    this.assertOpen();
    const set = this.sortedSets.get(key);
    if (!set) return;
    for (const member of members) set.remove(member);
    if (set.size === 0) this.sortedSets.delete(key);
  }

  async sortedSetReplace(key: string, entries: readonly ScoredMember[]): Promise<void> {
    this.assertOpen();
    this.sortedSets.delete(key);
    await this.sortedSetAdd(key, entries);
  }

  async sortedSetTop(key: string, count: number, after?: ScoredMember): Promise<ScoredMember[]> {
    this.assertOpen();
    return this.sortedSets.get(key)?.top(count, after) ?? [];
  }

  async countDistinct(key: string, members: readonly string[], ttlSeconds: number): Promise<number> {
    const expiresAt = this.deadline(ttlSeconds);
    if (members.length === 0) return 0;
    let entry = this.distinct.get(key);
    if (!entry || entry.expiresAt <= performance.now()) {
      entry = { members: new Set(), expiresAt };
      this.distinct.set(key, entry);
    }
    const before = entry.members.size;
    for (const member of members) entry.members.add(member);
    entry.expiresAt = expiresAt;
    return entry.members.size - before;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.entries.clear();
    this.sortedSets.clear();
    this.distinct.clear();
  }

  private live(key: string): Entry | undefined {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private deadline(ttlSeconds: number): number {
    this.assertOpen();
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
    }
    return performance.now() + ttlSeconds * 1000;
  }

  private sweep() {
    const now = performance.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    for (const [key, entry] of this.distinct) {
      if (entry.expiresAt <= now) this.distinct.delete(key);
    }
  }

  private assertOpen() {
    if (!this.sweeper) throw new Error('embedded key-value store is closed');
  }
}
