import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DLQ_HEADERS } from '../../src/consumers/dead-letters.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { collectMessages, contractEvent, foreignEvent, publishEvents } from '../support/messages.js';
import { FriendshipCreated, FriendshipDeleted } from '../../src/domain/messaging/consumed-messages.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`friendships topic feeds the social graph that FRIENDS privacy reads (${mode})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', CONSUMER_RETRY_DELAY_MS: '20' } });
      // Only the friendships consumer is under test here.
      await app.deps.consumers.users.stop();
    });
    after(() => app.stop());

    const consumer = () => app.deps.consumers.friendships;
    const publish = (...events: Parameters<typeof publishEvents>[2]) => publishEvents(app.deps.bus, TOPICS.friendships, events);

    async function visibleTo(viewer: string, eventId: string): Promise<boolean> {
      const result = await app.gql<{ event: { id: string } | null }>('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, viewer);
      assert.equal(result.errors, undefined);
      return result.data?.event?.id === eventId;
    }

    it('shows a FRIENDS event to a new friend at once and hides it when the friendship ends', async () => {
      const host = uniqueUser('host');
      const friend = uniqueUser('friend');
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput({ privacy: 'FRIENDS' }) },
        host,
      );
      const eventId = created.data!.createEvent.id;
      assert.equal(await visibleTo(friend, eventId), false);

      const since = new Date(Date.now() - 86_400_000).toISOString();
      const befriended = contractEvent(FriendshipCreated, host, { userId: host, friendId: friend, since });
      await publish(befriended);
      assert.equal((await consumer().settled(befriended.id)).outcome, 'processed');
      assert.equal(await visibleTo(friend, eventId), true);
      assert.equal(await app.deps.graph.areFriends(friend, host), true);

      const unfriended = contractEvent(FriendshipDeleted, host, { userId: friend, friendId: host }, 1);
      await publish(unfriended);
      assert.equal((await consumer().settled(unfriended.id)).outcome, 'processed');
      assert.equal(await visibleTo(friend, eventId), false);
      assert.equal(await app.deps.graph.areFriends(host, friend), false);
    });

    it('processes a redelivered friendship.created once', async () => {
      const [a, b] = [uniqueUser('a'), uniqueUser('b')];
      const befriended = contractEvent(FriendshipCreated, a, { userId: a, friendId: b });
      await publish(befriended);
      await consumer().settled(befriended.id);
      const unfriended = contractEvent(FriendshipDeleted, a, { userId: a, friendId: b });
      await publish(unfriended);
      await consumer().settled(unfriended.id);

      // A stale copy of the creation must not bring the friendship back.
      const duplicate = consumer().nextSettlement(befriended.id);
      await publish(befriended);
      assert.equal((await duplicate).outcome, 'duplicate');
      assert.equal(await app.deps.graph.areFriends(a, b), false);
    });

    it('dead-letters a friendship with oneself and goes on with the next message', async () => {
      const user = uniqueUser('self');
      const other = uniqueUser('other');
      const group = consumer().definition.groupId;
      const dlq = await collectMessages(
        app.deps.bus,
        `${TOPICS.friendships}.dlq`,
        (message) => message.key === user && message.headers[DLQ_HEADERS.group] === group,
      );
      try {
        const self = foreignEvent('friendship.created', user, { userId: user, friendId: user });
        const good = contractEvent(FriendshipCreated, user, { userId: user, friendId: other });
        await publish(self, good);
        assert.equal((await consumer().settled(good.id)).outcome, 'processed');
        assert.equal(await app.deps.graph.areFriends(user, other), true);
        const [letter] = await dlq.waitFor(1);
        assert.equal(letter!.value, JSON.stringify(self));
        assert.equal(letter!.headers[DLQ_HEADERS.reason], 'invalid');
        assert.match(letter!.headers[DLQ_HEADERS.error]!, /must differ/);
        assert.equal(letter!.headers[DLQ_HEADERS.eventId], self.id);
      } finally {
        await dlq.stop();
      }
    });
  });
}
