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

keyValueStoreContract('RedisKeyValueStore', connectRedis);
keyValueStoreContract('EmbeddedKeyValueStore', async () => new EmbeddedKeyValueStore());

rateLimiterContract('RedisRateLimiter', async (rules) => {
  const store = await connectRedis();
  return { limiter: new RedisRateLimiter(store.client, rules, 'rate'), close: () => store.close() };
});
rateLimiterContract('EmbeddedRateLimiter', async (rules) => ({
  limiter: new EmbeddedRateLimiter(rules),
  close: async () => {},
}));

describe('RedisKeyValueStore', () => {
  it('keeps its keys under the prefix, apart from a store with another prefix', async () => {
    const url = requireEnv('REDIS_URL');
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
    const url = requireEnv('REDIS_URL');
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

  it('fails fast with a clear error when nothing listens at the URL', async () => {
    const started = Date.now();
    await assert.rejects(
      RedisKeyValueStore.connect(`redis://127.0.0.1:${await closedPort()}`),
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
    );
    assert.ok(Date.now() - started < 5_000, 'took longer than 5 s');
  });
});
