import type { KeyValueStore } from '../../datasources/cache.js';
import type { Logger } from '../../logger.js';

/** Told whether each lookup of the named cache was answered from it (cache_hits_total / cache_misses_total). */
export type CacheLookupListener = (cache: string, hit: boolean) => void;

export interface NamedCacheDeps {
  kv: KeyValueStore;
  logger: Logger;
  onLookup?: CacheLookupListener | undefined;
}

/** How a cache's values are written as text and read back. */
export interface CacheCodec<T> {
  write(value: T): string;
  read(text: string): T;
}

const JSON_CODEC: CacheCodec<never> = { write: (value) => JSON.stringify(value), read: (text) => JSON.parse(text) as never };

/** At most one warning per cache and this long while Redis keeps failing. */
const WARN_INTERVAL_MS = 60_000;

/**
 * One concern's entries in the key-value store (`<name>:<key>`, JSON unless told otherwise, a TTL), counted
 * as hits and misses by name. When the store fails, a lookup is a miss and a write is
 * skipped: the caller computes the value from the document store, slower but correct.
 */
export class NamedCache<T> {
  private warnedAt = 0;

  constructor(
    private readonly deps: NamedCacheDeps,
    readonly name: string,
    private readonly ttlSeconds: number,
    private readonly codec: CacheCodec<T> = JSON_CODEC,
  ) {}

  key(key: string): string {
    return `${this.name}:${key}`;
  }

  async get(key: string): Promise<T | undefined> {
    let value: T | undefined;
    try {
      const stored = await this.deps.kv.get(this.key(key));
      value = stored === null ? undefined : this.codec.read(stored);
    } catch (error) {
      this.failed('read', error);
    }
    this.deps.onLookup?.(this.name, value !== undefined);
    return value;
  }

  async set(key: string, value: T): Promise<void> {
    try {
      await this.deps.kv.set(this.key(key), this.codec.write(value), this.ttlSeconds);
    } catch (error) {
      this.failed('write', error);
    }
  }

  /** Drops an entry; false when the store could not be reached (it then expires with its TTL). */
  async drop(key: string): Promise<boolean> {
    try {
      await this.deps.kv.delete(this.key(key));
      return true;
    } catch (error) {
      this.failed('invalidate', error);
      return false;
    }
  }

  /** The cached value, or `load()`'s, which is then cached. */
  async getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const cached = await this.get(key);
    if (cached !== undefined) return cached;
    const loaded = await load();
    await this.set(key, loaded);
    return loaded;
  }

  private failed(action: string, error: unknown) {
    const now = Date.now();
    if (now - this.warnedAt < WARN_INTERVAL_MS) return;
    this.warnedAt = now;
    this.deps.logger.warn({ err: error, cache: this.name, action }, `cache ${this.name}: ${action} failed; serving from the store`);
  }
}
