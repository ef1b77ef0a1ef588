import { Redis } from 'ioredis';
import type { KeyValueStore } from '../cache.js';
import type { DatastoreLatency } from '../../observability/metrics.js';
import { callDatastore, messageOf, redactUrl as redact } from '../driver-errors.js';

export interface RedisKeyValueStoreOptions {
  /** Prepended to every key by ioredis (e.g. `events:`), so services can share a Redis. */
  keyPrefix?: string;
  /** Told once per outage that the connection dropped (pino-compatible). */
  logger?: { warn(details: object, message: string): void };
  latency?: DatastoreLatency;
}

/**
 * Cache entries and once-only markers in Redis. Commands fail fast while the connection
 * is down (no offline queue) so a request degrades instead of waiting for a reconnect;
 * ioredis keeps reconnecting in the background.
 */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;

  /** The underlying connection, shared with `RedisRateLimiter` rather than opening another. */
  readonly client: Redis;

  private constructor(
    client: Redis,
    private readonly latency: DatastoreLatency | undefined,
  ) {
    this.client = client;
  }

  static async connect(url: string, options: RedisKeyValueStoreOptions = {}): Promise<RedisKeyValueStore> {
    let connected = false;
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      // No retries until the first connect succeeds (a dead server fails start-up at
      // once), then reconnect for as long as it takes.
      retryStrategy: (attempt) => (connected ? Math.min(attempt * 100, 2_000) : null),
      ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    });
    let lastError: unknown;
    // Quiet until the first `ready`: a failed first connect is reported by the throw below.
    let reported = true;
    // Without a listener ioredis prints every reconnect failure to stderr.
    client.on('error', (error: unknown) => {
      lastError = error;
      if (!reported) options.logger?.warn({ err: error }, 'redis connection lost; reconnecting');
      reported = true;
    });
    client.on('ready', () => {
      reported = false;
    });
    try {
      await client.connect();
      connected = true;
    } catch (error) {
      throw new Error(`cannot connect to Redis at ${redact(url)}: ${messageOf(lastError ?? error)}`, {
        cause: lastError ?? error,
      });
    }
    return new RedisKeyValueStore(client, options.latency);
  }

  get(key: string): Promise<string | null> {
    return this.timed('get', () => this.client.get(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const ttlMs = toTtlMs(ttlSeconds);
    await this.timed('set', () => this.client.set(key, value, 'PX', ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.timed('delete', () => this.client.del(key));
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const ttlMs = toTtlMs(ttlSeconds);
    const reply = await this.timed('setIfAbsent', () => this.client.set(key, value, 'PX', ttlMs, 'NX'));
    return reply === 'OK';
  }

  async ping(): Promise<void> {
    await this.timed('ping', () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    try {
      await this.client.quit();
    } catch {
      // The server is gone: drop the socket instead of waiting for a goodbye.
      this.client.disconnect();
    }
  }

  private timed<R>(operation: string, run: () => Promise<R>): Promise<R> {
    return callDatastore('redis', operation, run, { latency: this.latency });
  }
}

/** Milliseconds for PX, so sub-second TTLs (tests, short leases) are honoured too. */
export function toTtlMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}


