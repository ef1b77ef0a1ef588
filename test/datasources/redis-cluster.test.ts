import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { RedisKeyValueStore } from '../../src/datasources/redis/redis-key-value-store.js';
import { startTestApp, uniqueUser, eventInput, type TestApp } from '../support/app.js';
import { requireEnv } from '../support/env.js';

/** Plain connections to each node of the cluster npm test starts, to look behind the cluster client. */
function eachNode(): Redis[] {
  return requireEnv('REDIS_CLUSTER_URL')
    .split(',')
    .map((url) => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 }));
}

describe('Redis Cluster (three real nodes)', () => {
  it('spreads keys over the nodes by slot and reads each back through the cluster client', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await RedisKeyValueStore.connect(requireEnv('REDIS_CLUSTER_URL'), { keyPrefix: prefix });
    const nodes = eachNode();
    try {
      assert.ok(store.client instanceof Cluster, 'several nodes named: the cluster client');
      const keys = Array.from({ length: 30 }, (_, index) => `event-${index}`);
      await Promise.all(keys.map((key) => store.set(key, `value of ${key}`, 60)));

      const perNode = await Promise.all(nodes.map(async (node) => (await node.keys(`${prefix}*`)).length));
      assert.equal(perNode.reduce((sum, count) => sum + count, 0), keys.length, `keys per node: ${perNode.join(', ')}`);
      assert.ok(perNode.filter((count) => count > 0).length >= 2, `keys per node: ${perNode.join(', ')}`);
      for (const key of keys) assert.equal(await store.get(key), `value of ${key}`);
    } finally {
      await store.close();
      await Promise.all(nodes.map((node) => node.quit()));
    }
  });

  describe('two service instances with REDIS_URL naming every node', () => {
    const prefix = `test-${randomUUID().slice(0, 8)}:`;
    const env = { REDIS_URL: requireEnv('REDIS_CLUSTER_URL'), REDIS_KEY_PREFIX: prefix, RATE_LIMIT_CREATE_PER_HOUR: '3' };
    let one: TestApp;
    let two: TestApp;
    before(async () => {
      one = await startTestApp({ mode: 'embedded', env });
      two = await startTestApp({ mode: 'embedded', env });
    });
    after(async () => {
      await one?.stop();
      await two?.stop();
    });

    it('connect with the cluster client and share one rate limit per user', async () => {
      assert.equal(one.config.redis?.cluster, true);
      assert.ok(one.deps.kv instanceof RedisKeyValueStore && one.deps.kv.client instanceof Cluster);
      const host = uniqueUser('host');
      const create = (app: TestApp) =>
        app.gql<{ createEvent: { id: string } }>('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: eventInput() }, host);
      const codes = [];
      for (const app of [one, two, one, two]) {
        const result = await create(app);
        codes.push(result.errors?.[0]?.extensions?.code ?? 'OK');
      }
      assert.deepEqual(codes, ['OK', 'OK', 'OK', 'RATE_LIMITED']);
    });
  });
});
