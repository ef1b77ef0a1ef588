import { performance } from 'node:perf_hooks';
import type { KeyValueStore } from '../cache.js';

interface Entry {
  value: string;
  /** On the monotonic clock, so a wall-clock jump neither resurrects nor kills entries. */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * Cache entries in process memory. Expiry is checked on every read, so a TTL is exact;
 * a periodic sweep (unref'd, so it never keeps the process alive) frees entries nobody
 * reads again.
 */
export class EmbeddedKeyValueStore implements KeyValueStore {
  readonly kind = 'embedded' as const;
  private readonly entries = new Map<string, Entry>();
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
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const expiresAt = this.deadline(ttlSeconds);
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt });
    return true;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.entries.clear();
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
  }

  private assertOpen() {
    if (!this.sweeper) throw new Error('embedded key-value store is closed');
  }
}
