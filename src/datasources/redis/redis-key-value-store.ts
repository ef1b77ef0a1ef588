import { Cluster, Redis } from 'ioredis';
import type { KeyValueStore } from '../cache.js';
import { callDatastore, messageOf, type DatastoreInstruments } from '../driver-errors.js';
import { clusterConnectionOptions, clusterNodeOf, describeTarget, parseRedisTarget, type RedisTarget } from './redis-target.js';

export interface RedisKeyValueStoreOptions {
  /** Prepended to every key by ioredis (e.g. `events:`), so services can share a Redis. */
  keyPrefix?: string;
  /** Told once per outage that the connection dropped (pino-compatible). */
  logger?: { warn(details: object, message: string): void };
  instruments?: DatastoreInstruments;
}

/** A single server's connection or a Redis Cluster's: both run the same commands. */
export type RedisClient = Redis | Cluster;

/**
 * Cache entries and once-only markers in Redis or a Redis Cluster. Every command names
 * one key, so it goes to whichever cluster node owns that key's slot; keys that a future
 * command or script uses together must share a hash tag (`{event-1}:a`, `{event-1}:b`).
 * Commands fail fast while the connection is down (no offline queue) so a request
 * degrades instead of waiting for a reconnect; ioredis keeps reconnecting in the background.
 */
export class RedisKeyValueStore implements KeyValueStore {
  readonly kind = 'redis' as const;

  /** The underlying connection, shared with `RedisRateLimiter` rather than opening another. */
  readonly client: RedisClient;

  private constructor(
    client: RedisClient,
    private readonly instruments: DatastoreInstruments | undefined,
  ) {
    this.client = client;
  }

  /**
   * Connects to one server or a cluster: a URL, a comma-separated list of cluster nodes,
   * or a parsed target (configuration's `REDIS_URL` and `REDIS_CLUSTER`).
   */
  static async connect(target: string | RedisTarget, options: RedisKeyValueStoreOptions = {}): Promise<RedisKeyValueStore> {
    const resolved = typeof target === 'string' ? parseRedisTarget(target) : target;
    let connected = false;
    // No retries until the first connect succeeds (a dead server fails start-up at
    // once), then reconnect for as long as it takes.
    const retry = (attempt: number) => (connected ? Math.min(attempt * 100, 2_000) : null);
    const client = createClient(resolved, retry, options.keyPrefix);
    let lastError: unknown;
    // One warning per outage, quiet until the first `ready`: a failed first connect is
    // reported by the throw below.
    let reported = true;
    const report = (details: object, message: string) => {
      if (!reported) options.logger?.warn(details, message);
      reported = true;
    };
    client.on('ready', () => {
      reported = false;
    });
    // Without a listener ioredis prints every reconnect failure to stderr.
    client.on('error', (error: unknown) => {
      lastError = error;
      report({ err: error }, 'redis connection lost; reconnecting');
    });
    if (client instanceof Cluster) {
      // The cluster client notices a lost node when it drops it, and reconnects on demand.
      client.on('-node', (node: Redis) => report({ node: `${node.options.host}:${node.options.port}` }, 'redis cluster node lost; reconnecting'));
      client.on('node error', (error: unknown) => {
        lastError = error;
      });
    }
    try {
      await client.connect();
      connected = true;
    } catch (error) {
      client.disconnect();
      throw new Error(`cannot connect to Redis at ${describeTarget(resolved)}: ${connectFailure(lastError ?? error)}`, {
        cause: lastError ?? error,
      });
    }
    return new RedisKeyValueStore(client, options.instruments);
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

  /** A ping past the breaker, for its background probe. */
  async probe(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    this.client.removeAllListeners('-node');
    try {
      await this.client.quit();
    } catch {
      // The server is gone: drop the socket instead of waiting for a goodbye.
      this.client.disconnect();
    }
  }

  private timed<R>(operation: string, run: () => Promise<R>): Promise<R> {
    return callDatastore('redis', operation, run, { instruments: this.instruments });
  }
}

/** Milliseconds for PX, so sub-second TTLs (tests, short leases) are honoured too. */
export function toTtlMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

function createClient(target: RedisTarget, retry: (attempt: number) => number | null, keyPrefix?: string): RedisClient {
  const common = {
    lazyConnect: true,
    enableOfflineQueue: false,
    ...(keyPrefix ? { keyPrefix } : {}),
  };
  const connection = { maxRetriesPerRequest: 1, connectTimeout: 5_000 };
  if (!target.cluster) return new Redis(target.nodes[0]!, { ...common, ...connection, retryStrategy: retry });
  return new Cluster(target.nodes.map(clusterNodeOf), {
    ...common,
    clusterRetryStrategy: retry,
    // A slot map older than a failover is refreshed at once on MOVED; this bounds the wait for it.
    slotsRefreshTimeout: 2_000,
    redisOptions: { ...connection, ...clusterConnectionOptions(target.nodes[0]!) },
  });
}

/** The cluster client reports "Failed to refresh slots cache." and keeps the node's own error beside it. */
function connectFailure(error: unknown): string {
  const nodeError = (error as { lastNodeError?: unknown } | null)?.lastNodeError;
  return nodeError ? `${messageOf(error)} (${messageOf(nodeError)})` : messageOf(error);
}
