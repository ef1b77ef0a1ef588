import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DLQ_HEADERS } from '../../src/consumers/dead-letters.js';
import { PROCESSED_MESSAGES } from '../../src/datasources/processed-message-repository.js';
import { USERS } from '../../src/datasources/user-repository.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { storedEvent } from '../support/events.js';
import { collectEvents, collectMessages, contractEvent, foreignEvent, publishEvents } from '../support/messages.js';
import { befriend } from '../support/seed.js';
import { UserCreated, UserDeleted, UserUpdated } from '../../src/domain/messaging/consumed-messages.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`users topic keeps the local user replica and cleans up deleted users (${mode})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', CONSUMER_RETRY_DELAY_MS: '20' } });
      // Only the users consumer is under test here.
      await app.deps.consumers.friendships.stop();
    });
    after(() => app.stop());

    const publish = (...events: Parameters<typeof publishEvents>[2]) => publishEvents(app.deps.bus, TOPICS.users, events);
    const consumer = () => app.deps.consumers.users;

    async function createEvent(host: string, cohosts: string[]): Promise<string> {
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput({ privacy: 'PRIVATE' }) },
        host,
      );
      const id = created.data!.createEvent.id;
      for (const cohost of cohosts) {
        const added = await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: id, u: cohost }, host);
        assert.equal(added.errors, undefined);
      }
      return id;
    }

    it('creates the replica on user.created and applies newer updates only', async () => {
      const userId = uniqueUser('replica');
      // As the users service sends it, with a field this service does not keep.
      const created = foreignEvent('user.created', userId, {
        id: userId,
        name: 'Ada',
        birthday: '1990-12-10',
        location: { latitude: 48.85, longitude: 2.35, city: 'Paris' },
        interests: ['chess'],
      });
      await publish(created);
      assert.equal((await consumer().settled(created.id)).outcome, 'processed');
      assert.deepEqual(await app.deps.users.findById(userId), {
        _id: userId,
        name: 'Ada',
        birthday: '1990-12-10',
        location: { latitude: 48.85, longitude: 2.35 },
        interests: ['chess'],
        updatedAt: new Date(created.time),
      });

      const updated = contractEvent(UserUpdated, userId, { name: 'Ada L.', interests: ['chess', 'go'], birthday: null }, 1_000);
      const stale = contractEvent(UserUpdated, userId, { name: 'Stale', interests: [] }, 500);
      await publish(updated, stale);
      assert.equal((await consumer().settled(stale.id)).outcome, 'processed');
      const replica = await app.deps.users.findById(userId);
      assert.equal(replica?.name, 'Ada L.');
      assert.deepEqual(replica?.interests, ['chess', 'go']);
      assert.equal(replica?.birthday, null);
      assert.deepEqual(replica?.location, { latitude: 48.85, longitude: 2.35 });
      assert.deepEqual(replica?.updatedAt, new Date(updated.time));
    });

    it('writes every field of a new replica, defaults included, on every store', async () => {
      const userId = uniqueUser('defaults');
      const created = contractEvent(UserCreated, userId, { name: 'Only a name' });
      await publish(created);
      assert.equal((await consumer().settled(created.id)).outcome, 'processed');
      // The stored document itself, not a read that fills gaps.
      assert.deepEqual(await app.deps.store.collection(USERS).findOne({ _id: userId }), {
        _id: userId,
        name: 'Only a name',
        birthday: null,
        location: null,
        interests: [],
        updatedAt: new Date(created.time),
      });
    });

    it('keeps a deleted user deleted: older events processed after the deletion change nothing, a newer one brings the user back', async () => {
      const userId = uniqueUser('tombstone');
      const start = Date.now() - 60_000;
      const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
      const event = (type: string, seconds: number, data: Record<string, unknown>) => ({ ...foreignEvent(type, userId, data), time: at(seconds) });
      const created = event('user.created', 0, { name: 'Ada', interests: ['chess'] });
      const deleted = event('user.deleted', 20, { id: userId });
      await publish(created, deleted);
      assert.equal((await consumer().settled(deleted.id)).outcome, 'processed');
      assert.equal(await app.deps.users.findById(userId), null);

      // Replayed or late messages from before the deletion, as another partition or a replay delivers them.
      const late = [event('user.updated', 10, { name: 'Late' }), event('user.created', 5, { name: 'Replayed' }), event('user.deleted', 15, { id: userId })];
      await publish(...late);
      for (const message of late) assert.equal((await consumer().settled(message.id)).outcome, 'processed');
      assert.equal(await app.deps.users.findById(userId), null);
      assert.deepEqual([...(await app.deps.users.deletedAmong([userId]))], [userId]);
      const tombstone = await app.deps.store.collection(USERS).findOne({ _id: userId });
      assert.deepEqual(tombstone, { _id: userId, updatedAt: new Date(deleted.time), deletedAt: new Date(deleted.time) });

      const back = event('user.created', 30, { name: 'Ada again' });
      await publish(back);
      assert.equal((await consumer().settled(back.id)).outcome, 'processed');
      assert.deepEqual(await app.deps.users.findById(userId), {
        _id: userId,
        name: 'Ada again',
        birthday: null,
        location: null,
        interests: [],
        updatedAt: new Date(back.time),
      });
      assert.equal((await app.deps.users.deletedAmong([userId])).size, 0);
    });

    it('dead-letters an event whose time is not an RFC 3339 timestamp instead of freezing the replica', async () => {
      const userId = uniqueUser('time');
      const group = consumer().definition.groupId;
      const dlq = await collectMessages(app.deps.bus, `${TOPICS.users}.dlq`, (message) => message.key === userId && message.headers[DLQ_HEADERS.group] === group);
      try {
        const created = contractEvent(UserCreated, userId, { name: 'Before' });
        // Date.parse reads "99999" as the year 99999: taken as is, no later update would ever apply.
        const farFuture = { ...contractEvent(UserUpdated, userId, { name: 'Frozen' }), time: '99999' };
        const later = contractEvent(UserUpdated, userId, { name: 'After' }, 1_000);
        await publish(created, farFuture, later);
        assert.equal((await consumer().settled(later.id)).outcome, 'processed');
        assert.equal((await app.deps.users.findById(userId))?.name, 'After');
        const [letter] = await dlq.waitFor(1);
        assert.equal(letter!.value, JSON.stringify(farFuture));
        assert.equal(letter!.headers[DLQ_HEADERS.reason], 'invalid');
        assert.match(letter!.headers[DLQ_HEADERS.error]!, /time: must be an RFC 3339 timestamp/);
      } finally {
        await dlq.stop();
      }
    });

    it('applies a redelivered envelope id once, even with different data', async () => {
      const userId = uniqueUser('dup');
      const first = contractEvent(UserUpdated, userId, { name: 'First' });
      await publish(first);
      assert.equal((await consumer().settled(first.id)).outcome, 'processed');

      const duplicate = consumer().nextSettlement(first.id);
      await publish({ ...first, time: new Date(Date.now() + 60_000).toISOString(), data: { name: 'Second' } });
      assert.equal((await duplicate).outcome, 'duplicate');
      assert.equal((await app.deps.users.findById(userId))?.name, 'First');
      assert.equal(await app.deps.store.collection(PROCESSED_MESSAGES).count({ _id: `users:${first.id}` }), 1);
    });

    it('on user.deleted removes the replica and the user from co-hosts, announcing each removal', async () => {
      const host = uniqueUser('host');
      const userId = uniqueUser('leaving');
      const other = uniqueUser('staying');
      const [first, second] = [await createEvent(host, [userId, other]), await createEvent(host, [userId])];
      const created = contractEvent(UserCreated, userId, { name: 'Leaving' });
      await publish(created);
      await consumer().settled(created.id);
      assert.ok(await app.deps.users.findById(userId));

      const collectors = await Promise.all([first, second].map((id) => collectEvents(app.deps.bus, TOPICS.events, id)));
      try {
        const deleted = contractEvent(UserDeleted, userId, { id: userId }, 1_000);
        await publish(deleted);
        assert.equal((await consumer().settled(deleted.id)).outcome, 'processed');

        assert.equal(await app.deps.users.findById(userId), null);
        assert.deepEqual((await app.deps.events.findById(first))?.coHostIds, [other]);
        assert.deepEqual((await app.deps.events.findById(second))?.coHostIds, []);
        for (const [index, collector] of collectors.entries()) {
          const eventId = [first, second][index]!;
          // created, cohost.added per co-host, then the removal
          const received = await collector.waitFor(index === 0 ? 4 : 3);
          const removals = received.filter(({ event }) => event.type === 'event.cohost.removed');
          assert.equal(removals.length, 1);
          assert.deepEqual(removals[0]!.event.data, { eventId, userId, removedBy: null, reason: 'USER_DELETED' });
          assert.equal(removals[0]!.key, eventId);
        }

        // Running the cleanup again (a redelivery after a crash) changes and announces nothing.
        const before = await storedEvent(app, first);
        await app.deps.userCleanup.removeUser(userId);
        const afterRerun = await storedEvent(app, first);
        assert.deepEqual(afterRerun?.updatedAt, before?.updatedAt);
        assert.deepEqual(Object.keys(afterRerun?.outbox ?? {}), Object.keys(before?.outbox ?? {}));
      } finally {
        await Promise.all(collectors.map((collector) => collector.stop()));
      }
    });

    it('on user.deleted withdraws their answers, promoting the waitlist, and drops their pending invitations', async () => {
      const host = uniqueUser('host');
      const userId = uniqueUser('leaving');
      const waiting = uniqueUser('waiting');
      const full = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput({ capacity: 1 }) },
        host,
      );
      const eventId = full.data!.createEvent.id;
      const RSVP = 'mutation($e: ID!) { rsvp(eventId: $e, status: GOING) { waitlisted } }';
      assert.equal((await app.gql<{ rsvp: { waitlisted: boolean } }>(RSVP, { e: eventId }, userId)).data?.rsvp.waitlisted, false);
      assert.equal((await app.gql<{ rsvp: { waitlisted: boolean } }>(RSVP, { e: eventId }, waiting)).data?.rsvp.waitlisted, true);
      const other = await createEvent(host, []);
      await befriend(app, host, userId);
      const invited = await app.gql<{ inviteFriends: { invited: unknown[] } }>(
        'mutation($e: ID!, $u: [ID!]!) { inviteFriends(eventId: $e, userIds: $u) { invited { id } } }',
        { e: other, u: [userId] },
        host,
      );
      assert.equal(invited.data?.inviteFriends.invited.length, 1);

      const deleted = contractEvent(UserDeleted, userId, { id: userId }, 1_000);
      await publish(deleted);
      assert.equal((await consumer().settled(deleted.id)).outcome, 'processed');

      const stats = await app.gql<{ event: { stats: { going: number; waitlisted: number } } }>(
        'query($id: ID!) { event(id: $id) { stats { going waitlisted } } }',
        { id: eventId },
        host,
      );
      assert.deepEqual(stats.data?.event.stats, { going: 1, waitlisted: 0 });
      const promoted = await app.gql<{ event: { viewerRsvp: { waitlisted: boolean } } }>(
        'query($id: ID!) { event(id: $id) { viewerRsvp { waitlisted } } }',
        { id: eventId },
        waiting,
      );
      assert.equal(promoted.data?.event.viewerRsvp.waitlisted, false);
      assert.equal(await app.deps.store.collection('rsvps').count({ userId }), 0);
      assert.equal(await app.deps.store.collection('invitations').count({ inviteeId: userId }), 0);
    });

    it('dead-letters a malformed message and invalid user data, then processes the next one', async () => {
      const userId = uniqueUser('dlq');
      const group = consumer().definition.groupId;
      const dlq = await collectMessages(app.deps.bus, `${TOPICS.users}.dlq`, (message) => message.key === userId && message.headers[DLQ_HEADERS.group] === group);
      try {
        const invalid = foreignEvent('user.updated', userId, { birthday: '1990-02-31' });
        const good = contractEvent(UserCreated, userId, { name: 'After' });
        await app.deps.bus.publish([{ topic: TOPICS.users, key: userId, value: 'user.created but not JSON' }]);
        await publish(invalid, good);
        assert.equal((await consumer().settled(good.id)).outcome, 'processed');
        assert.equal((await app.deps.users.findById(userId))?.name, 'After');

        const [notJson, rejected] = await dlq.waitFor(2);
        assert.equal(notJson!.value, 'user.created but not JSON');
        assert.equal(notJson!.headers[DLQ_HEADERS.reason], 'malformed');
        assert.equal(notJson!.headers[DLQ_HEADERS.consumer], 'users');
        assert.equal(notJson!.headers[DLQ_HEADERS.topic], TOPICS.users);
        assert.equal(rejected!.value, JSON.stringify(invalid));
        assert.equal(rejected!.headers[DLQ_HEADERS.reason], 'invalid');
        assert.match(rejected!.headers[DLQ_HEADERS.error]!, /birthday: expected a YYYY-MM-DD date/);
      } finally {
        await dlq.stop();
      }
    });
  });
}
