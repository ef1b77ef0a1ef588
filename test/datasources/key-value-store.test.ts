import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { EmbeddedKeyValueStore } from '../../src/datasources/embedded/embedded-key-value-store.js';
import { EmbeddedRateLimiter } from '../../src/datasources/embedded/embedded-rate-limiter.js';
import { RedisKeyValueStore } from '../../src/datasources/redis/redis-key-value-store.js';
import { RedisRateLimiter } from '../../src/datasources/redis/redis-rate-limiter.js';
import { keyValueStoreContract, rateLimiterContract } from '../contracts/key-value-store.contract.js';
import { requireEnv } from '../support/env.js';
import { closedPort } from '../support/ports.js';

const connectRedis = () => RedisKeyValueStore.connect(requireEnv('REDIS_URL'), { keyPrefix: `test:${randomUUID()}:` });
/** The three-node Redis Cluster that npm test starts (REDIS_CLUSTER_URL names every node). */
const connectCluster = () => RedisKeyValueStore.connect(requireEnv('REDIS_CLUSTER_URL'), { keyPrefix: `test:${randomUUID()}:` });

keyValueStoreContract('RedisKeyValueStore', connectRedis);
keyValueStoreContract('RedisKeyValueStore on a three-node Redis Cluster', connectCluster);
keyValueStoreContract('EmbeddedKeyValueStore', async () => new EmbeddedKeyValueStore());

rateLimiterContract('RedisRateLimiter', async (rules) => {
  const store = await connectRedis();
  return { limiter: new RedisRateLimiter(store.client, rules, 'rate'), close: () => store.close() };
});
rateLimiterContract('RedisRateLimiter on a three-node Redis Cluster', async (rules) => {
  const store = await connectCluster();
  return { limiter: new RedisRateLimiter(store.client, rules, 'rate'), close: () => store.close() };
});
rateLimiterContract('EmbeddedRateLimiter', async (rules) => ({
  limiter: new EmbeddedRateLimiter(rules),
  close: async () => {},
}));

for (const [target, variable] of [['one Redis', 'REDIS_URL'], ['a Redis Cluster', 'REDIS_CLUSTER_URL']] as const) {
  describe(`RedisKeyValueStore on ${target}`, () => {
    it('keeps its keys under the prefix, apart from a store with another prefix', async () => {
      const url = requireEnv(variable);
      const [one, two] = await Promise.all([
        RedisKeyValueStore.connect(url, { keyPrefix: `test:${randomUUID()}:` }),
        RedisKeyValueStore.connect(url, { keyPrefix: `test:${randomUUID()}:` }),
      ]);
      try {
        await one.set('shared-name', 'one', 60);
        assert.equal(await two.get('shared-name'), null);
        assert.equal(await two.setIfAbsent('shared-name', 'two', 60), true);
        assert.equal(await one.get('shared-name'), 'one');
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('shares one rate-limit count between instances (two limiters on two connections)', async () => {
      const url = requireEnv(variable);
      const prefix = `test:${randomUUID()}:`;
      const [a, b] = await Promise.all([RedisKeyValueStore.connect(url, { keyPrefix: prefix }), RedisKeyValueStore.connect(url, { keyPrefix: prefix })]);
      try {
        const rules = { create: { points: 2, windowSeconds: 60 } };
        const [limiterA, limiterB] = [new RedisRateLimiter(a.client, rules, 'rate'), new RedisRateLimiter(b.client, rules, 'rate')];
        assert.equal((await limiterA.consume('create', 'ann')).allowed, true);
        assert.equal((await limiterB.consume('create', 'ann')).allowed, true);
        assert.equal((await limiterA.consume('create', 'ann')).allowed, false);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}

describe('RedisKeyValueStore', () => {
  it('fails fast with a clear error when nothing listens at the URL', async () => {
    const started = Date.now();
    await assert.rejects(
      RedisKeyValueStore.connect(`redis://127.0.0.1:${await closedPort()}`),
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
    );
    assert.ok(Date.now() - started < 5_000, 'took longer than 5 s');
  });

  it('fails fast with a clear error when no node of a cluster listens', async () => {
    const started = Date.now();
    await assert.rejects(
      RedisKeyValueStore.connect(`redis://127.0.0.1:${await closedPort()},127.0.0.1:${await closedPort()}`),
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+,redis:\/\/127\.0\.0\.1:\d+: .+/,
    );
    assert.ok(Date.now() - started < 5_000, 'took longer than 5 s');
  });
});
