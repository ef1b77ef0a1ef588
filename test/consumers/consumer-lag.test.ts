import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConsumerLagMonitor, type GroupLagReport } from '../../src/consumers/consumer-lag.js';
import type { ConsumerRunner } from '../../src/consumers/consumer-runner.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { contractEvent, foreignEvent, publishEvents } from '../support/messages.js';
import { startTestRunner } from '../support/runner.js';
import { UserCreated, UserUpdated } from '../../src/domain/messaging/consumed-messages.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`consumer lag from the broker, per group and partition, in /health and /metrics (${mode})`, () => {
    let app: TestApp;
    const runners: ConsumerRunner[] = [];

    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', CONSUMER_RETRY_DELAY_MS: '20' } });
      await Promise.all([app.deps.consumers.friendships.stop(), app.deps.consumers.cancellations.stop(), app.deps.consumers.rsvpGraph.stop()]);
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    });
    after(() => app.stop());

    async function health(): Promise<{ consumers: { checkedAt: string | null; groups: GroupLagReport[] } }> {
      const response = await fetch(new URL('/health', app.url));
      return (await response.json()) as { consumers: { checkedAt: string | null; groups: GroupLagReport[] } };
    }

    async function lagMetric(group: string): Promise<number> {
      const metric = await app.deps.metrics.registry.getSingleMetric('kafka_consumer_lag')?.get();
      return (metric?.values ?? []).filter((value) => value.labels.group === group).reduce((sum, value) => sum + value.value, 0);
    }

    it('lists every consumer group of the instance in /health from the first request after a start', async () => {
      const fresh = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true' } });
      try {
        const response = await fetch(new URL('/health', fresh.url));
        const { consumers } = (await response.json()) as Awaited<ReturnType<typeof health>>;
        assert.ok(consumers.checkedAt);
        const expected = [...fresh.deps.consumers.all.map((runner) => runner.definition.groupId), `events-subgraph-live-${fresh.config.instanceId}`];
        assert.deepEqual(consumers.groups.map((group) => group.groupId).sort(), expected.sort());
        for (const group of consumers.groups) assert.equal(typeof group.lag, 'number', group.groupId);
      } finally {
        await fresh.stop();
      }
    });

    it('counts what a stopped group has not processed, from its committed offsets', async () => {
      const users = app.deps.consumers.users;
      const { groupId } = users.definition;
      // One user, so every message shares a partition with the one the group committed.
      const userId = uniqueUser('lag');
      const first = contractEvent(UserCreated, userId, { name: 'first' });
      await publishEvents(app.deps.bus, TOPICS.users, [first]);
      assert.equal((await users.settled(first.id, 30_000)).outcome, 'processed');
      await users.stop();
      await publishEvents(app.deps.bus, TOPICS.users, [1, 2, 3].map((n) => contractEvent(UserUpdated, userId, { name: `update ${n}` }, n)));

      await app.deps.consumerLag.refresh();
      const reported = (await health()).consumers.groups.find((group) => group.groupId === groupId);
      assert.ok(reported, `no lag reported for ${groupId}`);
      assert.equal(reported.lag, 3);
      assert.deepEqual(reported.topics, [TOPICS.users]);
      assert.equal(reported.partitions.filter((p) => p.lag > 0).length, 1);
      assert.equal(await lagMetric(groupId), 3);

      if (mode === 'real') {
        // Another process (a restarted instance) sees the same from the broker alone.
        const other = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'false' } });
        try {
          const monitor = new ConsumerLagMonitor(other.deps.bus, other.deps.logger, 60_000).watch(users.lagQuery);
          const [fromBroker] = (await monitor.refresh()).groups;
          assert.equal(fromBroker?.lag, 3);
        } finally {
          await other.stop();
        }
      }

      await users.start();
      const last = contractEvent(UserUpdated, userId, { name: 'caught up' }, 10);
      await publishEvents(app.deps.bus, TOPICS.users, [last]);
      await users.settled(last.id, 30_000);
      await users.stop();
      await app.deps.consumerLag.refresh();
      assert.equal((await health()).consumers.groups.find((group) => group.groupId === groupId)?.lag, 0);
    });

    it('shows a partition stuck on a message: its lag, the age of that message and since when it has not moved', async () => {
      let resolveStuck!: () => void;
      const stuck = new Promise<void>((resolve) => (resolveStuck = resolve));
      // A store that never comes back: the failing message is redelivered forever.
      const { runner, topic } = await startTestRunner(app, {
        checkDependencies: async () => {
          resolveStuck();
          throw new Error('store unreachable');
        },
      });
      runners.push(runner);
      app.deps.consumerLag.watch(runner.lagQuery);
      const key = uniqueUser('stuck');
      const publishedAt = Date.now();
      await publishEvents(app.deps.bus, topic, [foreignEvent('test.broken', key, {}), foreignEvent('test.noted', key, { note: 'waiting' })]);
      await stuck;

      await app.deps.consumerLag.refresh();
      await app.deps.consumerLag.refresh();
      const group = (await health()).consumers.groups.find((g) => g.groupId === runner.definition.groupId);
      assert.ok(group, 'the stuck group is listed');
      assert.equal(group.lag, 2);
      const [partition] = group.partitions.filter((p) => p.lag > 0);
      assert.ok(partition);
      assert.equal(partition.lag, 2);
      assert.ok(partition.stalledSince, 'the partition is reported as not moving');
      assert.ok(group.oldestUnprocessedSeconds !== null && group.oldestUnprocessedSeconds >= 0);
      assert.ok(group.oldestUnprocessedSeconds <= (Date.now() - publishedAt) / 1000 + 1);
      assert.equal(await lagMetric(runner.definition.groupId), 2);
    });
  });
}
