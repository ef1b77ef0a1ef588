import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { FriendshipCreated, FriendshipDeleted } from '../../src/domain/messaging/consumed-messages.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { contractEvent, publishEvents } from '../support/messages.js';
import { LIVE, waitFor, type Change, type Errors } from '../support/live.js';
import { subscribe } from '../support/ws-client.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`live streams a friendship gave end with it (${mode === 'real' ? 'real Kafka and stores' : 'embedded twins'})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', RATE_LIMIT_RSVP_PER_HOUR: '10000', LIVE_MAX_UPDATES_PER_SECOND: '50' } });
    });
    after(() => app?.stop());

    const publish = (...events: Parameters<typeof publishEvents>[2]) => publishEvents(app.deps.bus, TOPICS.friendships, events);

    it("ends a former friend's stream of a FRIENDS event with NOT_FOUND, and keeps the host's and another friend's", async () => {
      const host = uniqueUser('host');
      const [leaving, staying] = [uniqueUser('leaving'), uniqueUser('staying')];
      const eventId = await createEvent(app, host, { privacy: 'FRIENDS' });
      const friendships = [leaving, staying].map((friend) => contractEvent(FriendshipCreated, host, { userId: host, friendId: friend }));
      await publish(...friendships);
      for (const made of friendships) assert.equal((await app.deps.consumers.friendships.settled(made.id)).outcome, 'processed');

      const former = subscribe<Change>(app.url, await app.token(leaving), LIVE, { id: eventId });
      const friend = subscribe<Change>(app.url, await app.token(staying), LIVE, { id: eventId });
      const own = subscribe<Change>(app.url, await app.token(host), LIVE, { id: eventId });
      await waitFor(() => app.deps.live.subscriberCount(eventId) === 3);

      await publish(contractEvent(FriendshipDeleted, leaving, { userId: leaving, friendId: host }, 1));
      assert.deepEqual(((await former.error) as Errors).map((error) => error.extensions?.code), ['NOT_FOUND']);
      await waitFor(() => app.deps.live.subscriberCount(eventId) === 2);

      // The others still see it: the next answer reaches both.
      assert.equal((await answer(app, eventId, host, 'GOING')).errors, undefined);
      await Promise.all([friend, own].map((live) => live.until((latest) => latest.eventStatsChanged.counts.going === 1)));
      assert.equal(former.received.length, 0);
      await Promise.all([former.dispose(), friend.dispose(), own.dispose()]);
    });
  });
}
