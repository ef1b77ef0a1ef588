import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { answer, createEvent, overwriteEvent, statsOf } from '../support/events.js';
import { befriend } from '../support/seed.js';

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`RSVPs (${mode} stores)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_RSVP_PER_HOUR: '10000' } });
    });
    after(() => app.stop());

    it('answers, changes and removes an answer, moving the counts each time', async () => {
      const eventId = await createEvent(app, uniqueUser('host'));
      const guest = uniqueUser('guest');
      assert.equal((await answer(app, eventId, guest, 'INTERESTED')).data?.rsvp.status, 'INTERESTED');
      assert.deepEqual(await statsOf(app, eventId), { going: 0, interested: 1, maybe: 0, notGoing: 0, waitlisted: 0 });
      await answer(app, eventId, guest, 'GOING');
      await answer(app, eventId, uniqueUser('other'), 'MAYBE');
      assert.deepEqual(await statsOf(app, eventId), { going: 1, interested: 0, maybe: 1, notGoing: 0, waitlisted: 0 });

      const mine = await app.gql<{ event: { viewerRsvp: { status: string; user: { id: string } } | null } }>(
        'query($id: ID!) { event(id: $id) { viewerRsvp { status user { id } } } }',
        { id: eventId },
        guest,
      );
      assert.deepEqual(mine.data?.event.viewerRsvp, { status: 'GOING', user: { id: guest } });

      const removed = await app.gql<{ removeRsvp: { stats: { going: number } } }>(
        'mutation($e: ID!) { removeRsvp(eventId: $e) { stats { going } } }',
        { e: eventId },
        guest,
      );
      assert.equal(removed.data?.removeRsvp.stats.going, 0);
      assert.deepEqual(await statsOf(app, eventId), { going: 0, interested: 0, maybe: 1, notGoing: 0, waitlisted: 0 });
    });

    it('keeps one answer per person: answering the same twice changes nothing', async () => {
      const eventId = await createEvent(app, uniqueUser('host'));
      const guest = uniqueUser('guest');
      await Promise.all([answer(app, eventId, guest, 'GOING'), answer(app, eventId, guest, 'GOING'), answer(app, eventId, guest, 'GOING')]);
      assert.deepEqual(await statsOf(app, eventId), { going: 1, interested: 0, maybe: 0, notGoing: 0, waitlisted: 0 });
      assert.equal(await app.deps.store.collection('rsvps').count({ eventId }), 1);
    });

    it('refuses anonymous, invisible, cancelled and ended events with clear codes', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      assert.equal((await answer(app, eventId, '', 'GOING')).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      const secret = await createEvent(app, host, { privacy: 'PRIVATE' });
      const hidden = await answer(app, secret, uniqueUser('stranger'), 'GOING');
      assert.equal(hidden.errors?.[0]?.extensions?.code, 'NOT_FOUND');
      assert.equal(hidden.errors?.[0]?.extensions?.field, 'eventId');
      await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: eventId }, host);
      const cancelled = await answer(app, eventId, uniqueUser('guest'), 'GOING');
      assert.equal(cancelled.errors?.[0]?.extensions?.code, 'CONFLICT');
      assert.match(cancelled.errors?.[0]?.message ?? '', /cancelled/);

      const ended = await createEvent(app, host);
      await overwriteEvent(app, ended, { $set: { startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 3600_000) } });
      const late = await answer(app, ended, uniqueUser('guest'), 'GOING');
      assert.equal(late.errors?.[0]?.extensions?.code, 'CONFLICT');
      assert.match(late.errors?.[0]?.message ?? '', /ended/);
    });

    it('waitlists GOING beyond capacity in order and promotes the first when a seat frees', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host, { capacity: 2 });
      const [a, b, c, d] = [uniqueUser('a'), uniqueUser('b'), uniqueUser('c'), uniqueUser('d')];
      for (const user of [a, b]) assert.equal((await answer(app, eventId, user, 'GOING')).data?.rsvp.waitlisted, false);
      const third = await answer(app, eventId, c, 'GOING');
      assert.deepEqual(third.data?.rsvp, { status: 'GOING', waitlisted: true, waitlistPosition: 1 });
      const fourth = await answer(app, eventId, d, 'GOING');
      assert.equal(fourth.data?.rsvp.waitlistPosition, 2);
      assert.deepEqual(await statsOf(app, eventId), { going: 2, interested: 0, maybe: 0, notGoing: 0, waitlisted: 2 });

      const promotions = mode === 'real' ? await collectEvents(app.deps.bus, TOPICS.notifications, eventId) : null;
      await answer(app, eventId, a, 'NOT_GOING');
      assert.deepEqual(await statsOf(app, eventId), { going: 2, interested: 0, maybe: 0, notGoing: 1, waitlisted: 1 });
      const promoted = await app.gql<{ event: { viewerRsvp: { waitlisted: boolean } } }>(
        'query($id: ID!) { event(id: $id) { viewerRsvp { waitlisted } } }',
        { id: eventId },
        c,
      );
      assert.equal(promoted.data?.event.viewerRsvp.waitlisted, false);
      const stillWaiting = await app.gql<{ event: { viewerRsvp: { waitlistPosition: number } } }>(
        'query($id: ID!) { event(id: $id) { viewerRsvp { waitlistPosition } } }',
        { id: eventId },
        d,
      );
      assert.equal(stillWaiting.data?.event.viewerRsvp.waitlistPosition, 1);

      await app.gql('mutation($id: ID!) { updateEvent(id: $id, input: { capacity: 3 }) { id } }', { id: eventId }, host);
      assert.deepEqual(await statsOf(app, eventId), { going: 3, interested: 0, maybe: 0, notGoing: 1, waitlisted: 0 });

      if (promotions) {
        const received = await promotions.waitFor(2);
        assert.deepEqual(
          received.map((message) => [message.event.type, (message.event.data as { userId: string }).userId]),
          [['notification.event_waitlist_promoted', c], ['notification.event_waitlist_promoted', d]],
        );
        await promotions.stop();
      }
    });

    it('lists attendees with answer and time; only organisers see check-in, which only they can set', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const [a, b] = [uniqueUser('a'), uniqueUser('b')];
      await answer(app, eventId, a, 'GOING');
      await answer(app, eventId, b, 'MAYBE');
      const denied = await app.gql('mutation($e: ID!, $u: ID!) { checkIn(eventId: $e, userId: $u) { checkIn } }', { e: eventId, u: a }, b);
      assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const checked = await app.gql<{ checkIn: { checkIn: string } }>(
        'mutation($e: ID!, $u: ID!) { checkIn(eventId: $e, userId: $u, state: ATTENDED) { checkIn } }',
        { e: eventId, u: a },
        host,
      );
      assert.equal(checked.data?.checkIn.checkIn, 'ATTENDED');
      const notGoing = await app.gql('mutation($e: ID!, $u: ID!) { checkIn(eventId: $e, userId: $u) { checkIn } }', { e: eventId, u: b }, host);
      assert.equal(notGoing.errors?.[0]?.extensions?.field, 'userId');

      const LIST = `query($id: ID!, $s: RsvpStatus) { event(id: $id) { attendees(status: $s) {
        totalCount edges { node { id } status respondedAt checkIn } } } }`;
      type List = { event: { attendees: { totalCount: number; edges: { node: { id: string }; status: string; respondedAt: string; checkIn: string | null }[] } } };
      const asHost = await app.gql<List>(LIST, { id: eventId }, host);
      assert.equal(asHost.data?.event.attendees.totalCount, 2);
      assert.deepEqual(asHost.data?.event.attendees.edges.map((edge) => [edge.node.id, edge.status, edge.checkIn]), [[a, 'GOING', 'ATTENDED'], [b, 'MAYBE', null]]);
      assert.ok(asHost.data!.event.attendees.edges.every((edge) => !Number.isNaN(Date.parse(edge.respondedAt))));
      const asGuest = await app.gql<List>(LIST, { id: eventId, s: 'GOING' }, b);
      assert.deepEqual(asGuest.data?.event.attendees.edges.map((edge) => [edge.node.id, edge.checkIn]), [[a, null]]);
    });

    it("lists a user's own answers, and nobody else's", async () => {
      const guest = uniqueUser('guest');
      const first = await createEvent(app, uniqueUser('host'), { title: 'First' });
      const second = await createEvent(app, uniqueUser('host'), { title: 'Second' });
      await answer(app, first, guest, 'GOING');
      await answer(app, second, guest, 'INTERESTED');
      const QUERY = `query($reps: [_Any!]!, $s: RsvpStatus) { _entities(representations: $reps) { ... on User { rsvps(status: $s) { edges { node { status event { title } } } } } } }`;
      type Result = { _entities: { rsvps: { edges: { node: { status: string; event: { title: string } } }[] } }[] };
      const own = await app.gql<Result>(QUERY, { reps: [{ __typename: 'User', id: guest }] }, guest);
      assert.deepEqual(own.data?._entities[0]?.rsvps.edges.map((edge) => edge.node.event.title), ['Second', 'First']);
      const going = await app.gql<Result>(QUERY, { reps: [{ __typename: 'User', id: guest }], s: 'GOING' }, guest);
      assert.deepEqual(going.data?._entities[0]?.rsvps.edges.map((edge) => edge.node.status), ['GOING']);
      const other = await app.gql<Result>(QUERY, { reps: [{ __typename: 'User', id: guest }] }, uniqueUser('nosy'));
      assert.equal(other.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    });

    it('lets an answerer see a PRIVATE event they answered only if they could see it first', async () => {
      const host = uniqueUser('host');
      const friend = uniqueUser('friend');
      await befriend(app, host, friend);
      const eventId = await createEvent(app, host, { privacy: 'FRIENDS' });
      await answer(app, eventId, friend, 'GOING');
      await app.deps.graph.removeFriendship(host, friend);
      const seen = await app.gql<{ event: { id: string } | null }>('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, friend);
      assert.equal(seen.data?.event?.id, eventId, 'an attendee keeps access after the friendship ends');
    });
  });
}

describe('RSVP domain events (real stores)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'real', env: { CONSUMERS_ENABLED: 'true', CONSUMER_GROUP_PREFIX: `test-rsvp-${randomUUID()}` } });
  });
  after(() => app.stop());

  it('publishes event.rsvp with previous and new answer and the absolute counts, and keeps the RSVP relation in Neo4j', async () => {
    const host = uniqueUser('host');
    const guest = uniqueUser('guest');
    const friend = uniqueUser('friend');
    await befriend(app, guest, friend);
    const eventId = await createEvent(app, host);
    const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);
    await answer(app, eventId, guest, 'MAYBE');
    await answer(app, eventId, guest, 'GOING');
    const received = (await collector.waitFor(3)).filter((message) => message.event.type === 'event.rsvp');
    await collector.stop();
    assert.deepEqual(
      received.map((message) => {
        const data = message.event.data as { userId: string; previousStatus: string | null; status: string; counts: { going: number; maybe: number } };
        return [data.userId, data.previousStatus, data.status, data.counts.going + data.counts.maybe];
      }),
      [[guest, null, 'MAYBE', 1], [guest, 'MAYBE', 'GOING', 1]],
    );
    const last = received.at(-1)!.event.data as { counts: Record<string, number> };
    assert.deepEqual(last.counts, { going: 1, interested: 0, maybe: 0, notGoing: 0, waitlisted: 0 });

    // The graph follows the same messages through its consumer.
    for (const message of received) assert.equal((await app.deps.consumers.rsvpGraph.settled(message.event.id, 30_000)).outcome, 'processed');
    const going = await app.deps.graph.friendsWithRsvp(friend, [eventId], 'GOING');
    assert.deepEqual(going.get(eventId), [guest]);
  });
});
