import { Cluster, Redis } from 'ioredis';
import type { KeyValueStore, ScoredMember } from '../cache.js';
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

  async sortedSetAdd(key: string, entries: readonly ScoredMember[]): Promise<void> {
    if (entries.length === 0) return;
    await this.timed('sortedSetAdd', () => this.client.zadd(key, ...entries.flatMap(({ member, score }) => [score, member])));
  }

  async sortedSetRemove(key: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    await this.timed('sortedSetRemove', () => this.client.zrem(key, ...members));
  }

  async sortedSetReplace(key: string, entries: readonly ScoredMember[]): Promise<void> {
    const args = entries.flatMap(({ member, score }) => [String(score), member]);
    await this.timed('sortedSetReplace', () => this.scripts().replaceSortedSet(key, ...args));
  }

  async sortedSetTop(key: string, count: number, after?: ScoredMember): Promise<ScoredMember[]> {
    if (count <= 0) return [];
    if (!after) return this.timed('sortedSetTop', async () => pairs(await this.client.zrevrange(key, 0, count - 1, 'WITHSCORES')));
    // Members tied with the cursor's score (rarely more than itself), then those below it.
    const [ties, below] = await this.timed('sortedSetTop', () =>
      Promise.all([
        this.client.zrevrangebyscore(key, after.score, after.score, 'WITHSCORES'),
        this.client.zrevrangebyscore(key, `(${after.score}`, '-inf', 'WITHSCORES', 'LIMIT', 0, count),
      ]),
    );
    return [...pairs(ties).filter((entry) => entry.member < after.member), ...pairs(below)].slice(0, count);
  }

  async countDistinct(key: string, members: readonly string[], ttlSeconds: number): Promise<number> {
    const ttlMs = toTtlMs(ttlSeconds);
    if (members.length === 0) return 0;
    const grown = await this.timed('countDistinct', () => this.scripts().addDistinct(key, String(ttlMs), ...members));
    return Number(grown);
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

  /** The Lua scripts, defined on the client once (ioredis sends EVALSHA, falling back to EVAL). */
  private scripts(): ScriptedClient {
    const client = this.client as RedisClient & Partial<ScriptedClient>;
    if (!client.replaceSortedSet) {
      client.defineCommand('replaceSortedSet', { numberOfKeys: 1, lua: REPLACE_SORTED_SET });
      client.defineCommand('addDistinct', { numberOfKeys: 1, lua: ADD_DISTINCT });
    }
    return client as unknown as ScriptedClient;
  }
}

interface ScriptedClient {
  replaceSortedSet(key: string, ...scoresAndMembers: string[]): Promise<unknown>;
  addDistinct(key: string, ttlMs: string, ...members: string[]): Promise<number>;
}

// Arguments go to ZADD and PFADD in chunks: Lua's unpack has a stack limit.
const REPLACE_SORTED_SET = `
redis.call('DEL', KEYS[1])
local i = 1
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('ZADD', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
return #ARGV / 2`;

/** Atomic per key, so concurrent callers' growths add up to the count. */
const ADD_DISTINCT = `
local before = redis.call('PFCOUNT', KEYS[1])
local i = 2
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('PFADD', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local after = redis.call('PFCOUNT', KEYS[1])
if after > before then return after - before end
return 0`;

/** ZRANGE … WITHSCORES replies alternate member and score. */
function pairs(reply: string[]): ScoredMember[] {
  const entries: ScoredMember[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) entries.push({ member: reply[i]!, score: Number(reply[i + 1]) });
  return entries;
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
