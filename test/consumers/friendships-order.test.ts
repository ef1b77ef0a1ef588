import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { foreignEvent, publishEvents } from '../support/messages.js';

/**
 * The friendships service keys its messages by the user who acted, and either user may
 * end a friendship: a creation (keyed by the host) and a deletion (keyed by the friend)
 * sit on different partitions and may be processed in either order. Whatever the order,
 * a FRIENDS-only event must be visible exactly when the newest message says "friends".
 */
for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`friendship messages on different partitions, in either order, across restarts (${mode})`, () => {
    let app: TestApp;
    let partitions = 1;

    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', CONSUMER_RETRY_DELAY_MS: '20' } });
      await Promise.all([app.deps.consumers.users.stop(), app.deps.consumers.cancellations.stop(), app.deps.consumers.rsvpGraph.stop()]);
      partitions = (await app.deps.bus.lag({ groupId: app.deps.consumers.friendships.definition.groupId, topics: [TOPICS.friendships] })).length;
      if (mode === 'real') assert.ok(partitions > 1, `the ${TOPICS.friendships} topic has ${partitions} partition(s)`);
    });
    after(() => app.stop());

    const consumer = () => app.deps.consumers.friendships;

    /** A host and a friend whose keys land on different partitions (on Kafka). */
    function pairOnTwoPartitions(): [string, string] {
      const host = uniqueUser('host');
      for (;;) {
        const friend = uniqueUser('friend');
        if (partitions === 1 || partitionOf(host, partitions) !== partitionOf(friend, partitions)) return [host, friend];
      }
    }

    async function friendsOnlyEvent(host: string): Promise<string> {
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput({ privacy: 'FRIENDS' }) },
        host,
      );
      assert.equal(created.errors, undefined);
      return created.data!.createEvent.id;
    }

    async function visibleTo(viewer: string, eventId: string): Promise<boolean> {
      const result = await app.gql<{ event: { id: string } | null }>('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, viewer);
      assert.equal(result.errors, undefined);
      return result.data?.event?.id === eventId;
    }

    /** Publishes one message keyed by the acting user and waits until it is processed. */
    async function deliver(kind: 'created' | 'deleted', actor: string, other: string, time: Date) {
      const event = foreignEvent(`friendship.${kind}`, actor, { userId: actor, friendId: other });
      event.time = time.toISOString();
      await publishEvents(app.deps.bus, TOPICS.friendships, [event]);
      const settlement = await consumer().settled(event.id, 30_000);
      assert.equal(settlement.outcome, 'processed');
      return { event, partition: settlement.partition };
    }

    async function restartConsumer() {
      await consumer().stop();
      await consumer().start();
    }

    const scenarios = [
      { name: 'a newer deletion processed before an older creation keeps them apart', first: ['deleted', -1], second: ['created', -2], friends: false },
      { name: 'a newer creation processed before an older deletion keeps them friends', first: ['created', -1], second: ['deleted', -2], friends: true },
      { name: 'a creation then a newer deletion ends the friendship', first: ['created', -2], second: ['deleted', -1], friends: false },
      { name: 'a deletion then a newer creation makes them friends again', first: ['deleted', -2], second: ['created', -1], friends: true },
    ] as const;

    for (const { name, first, second, friends } of scenarios) {
      it(name, async () => {
        const [host, friend] = pairOnTwoPartitions();
        const eventId = await friendsOnlyEvent(host);
        // The host acts on creations, the friend on deletions: two keys, two partitions.
        const actors = (kind: 'created' | 'deleted') => (kind === 'created' ? ([host, friend] as const) : ([friend, host] as const));
        // Message times fixed up front: the restarts in between must not reorder them.
        const start = Date.now();
        const at = (secondsAgo: number) => new Date(start + secondsAgo * 1000);

        const one = await deliver(first[0], ...actors(first[0]), at(first[1]));
        await restartConsumer();
        const two = await deliver(second[0], ...actors(second[0]), at(second[1]));
        if (mode === 'real') assert.notEqual(one.partition, two.partition, 'the two messages sit on different partitions');

        assert.equal(await visibleTo(friend, eventId), friends);
        assert.equal(await app.deps.graph.areFriends(host, friend), friends);

        // A restart and a replay of the older message (a new id, its old time) change nothing.
        await restartConsumer();
        const older = first[1] < second[1] ? first : second;
        await deliver(older[0], ...actors(older[0]), at(older[1]));
        assert.equal(await visibleTo(friend, eventId), friends);
      });
    }
  });
}

/** The partition Kafka's default (Java-compatible murmur2) partitioner picks for `key`. */
function partitionOf(key: string, count: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic: TOPICS.friendships, partitionMetadata, message: { key, value: null } });
}
