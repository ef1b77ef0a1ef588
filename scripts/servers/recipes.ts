/** Every test server by name, and installing them. */
import { allOrThrow } from './commands.js';
import { ferretdb } from './ferretdb.js';
import { kafka } from './kafka.js';
import { withLock } from './lock.js';
import { info, secondsSince } from './log.js';
import { neo4j } from './neo4j.js';
import { SERVER_NAMES, type Recipe, type ServerName } from './recipe.js';
import { redisCluster } from './redis-cluster.js';
import { redis } from './redis.js';

export const RECIPES: Record<ServerName, Recipe> = { ferretdb, redis, kafka, neo4j, 'redis-cluster': redisCluster };

/**
 * Installs whatever the named servers need, in parallel (one install at a time per
 * machine checkout). Safe to call every time: with warm caches it only hashes a few files
 * and checks that jars and binaries exist.
 */
export async function installServers(names: readonly ServerName[] = SERVER_NAMES): Promise<void> {
  const t0 = Date.now();
  await withLock('install', async () => {
    info(`install: checking ${names.join(', ')}`);
    await allOrThrow('install', Object.fromEntries(names.map((name) => [name, RECIPES[name].install()])));
  });
  info(`install: done in ${secondsSince(t0)}s`);
}
