import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { REMINDER_PAGE_SIZE } from '../../src/domain/notifications/reminder-job.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { answer, createEvent } from '../support/events.js';
import { befriend } from '../support/seed.js';

type Notification = { userId: string; window?: string; reason?: string | null };

describe('reminders and cancellation notifications (real Kafka, two instances)', () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    const id = randomUUID().slice(0, 8);
    const shared = {
      MONGODB_DATABASE: `test_notify_${id}`,
      REDIS_KEY_PREFIX: `test-notify-${id}:`,
      RATE_LIMIT_RSVP_PER_HOUR: '10000',
      REMINDER_INTERVAL_SECONDS: '3600',
    };
    a = await startTestApp({ mode: 'real', env: { ...shared, INSTANCE_ID: `a-${id}`, CONSUMERS_ENABLED: 'true', CONSUMER_GROUP_PREFIX: `test-notify-${id}` } });
    b = await startTestApp({ mode: 'real', env: { ...shared, INSTANCE_ID: `b-${id}` } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('reminds everyone GOING once per window, however many instances run the job at once', async () => {
    const host = uniqueUser('host');
    const soon = new Date(Date.now() + 30 * 60_000);
    const tomorrow = new Date(Date.now() + 5 * 3600_000);
    const inHalfAnHour = await createEvent(a, host, { startsAt: soon.toISOString(), endsAt: new Date(soon.getTime() + 3600_000).toISOString() });
    const later = await createEvent(a, host, { startsAt: tomorrow.toISOString(), endsAt: new Date(tomorrow.getTime() + 3600_000).toISOString() });
    const [g1, g2, maybe] = [uniqueUser('g1'), uniqueUser('g2'), uniqueUser('maybe')];
    await answer(a, inHalfAnHour, g1, 'GOING');
    await answer(a, inHalfAnHour, g2, 'GOING');
    await answer(a, inHalfAnHour, maybe, 'MAYBE');
    await answer(a, later, g1, 'GOING');

    const soonCollector = await collectEvents(a.deps.bus, TOPICS.notifications, inHalfAnHour);
    const laterCollector = await collectEvents(a.deps.bus, TOPICS.notifications, later);
    try {
      const sent = await Promise.all([a.deps.reminders.runOnce(), b.deps.reminders.runOnce(), a.deps.reminders.runOnce()]);
      const soonReceived = await soonCollector.waitFor(2);
      const laterReceived = await laterCollector.waitFor(1);
      assert.equal(sent.reduce((x, y) => x + y, 0), 3, 'three reminders in all, whoever sent them');
      assert.deepEqual(
        soonReceived.map(({ event }) => [event.type, (event.data as Notification).userId, (event.data as Notification).window]).sort(),
        [['notification.event_reminder', g1, '1h'], ['notification.event_reminder', g2, '1h']].sort(),
      );
      assert.deepEqual(laterReceived.map(({ event }) => (event.data as Notification).window), ['24h']);

      // A later pass finds both windows claimed and sends nothing more for these events.
      await Promise.all([a.deps.reminders.runOnce(), b.deps.reminders.runOnce()]);
      const claims = await a.deps.store.collection('reminder_claims').count({ eventId: { $in: [inHalfAnHour, later] } });
      assert.equal(claims, 2);
      assert.equal(soonCollector.received.length, 2);
    } finally {
      await soonCollector.stop();
      await laterCollector.stop();
    }
  });

  it('reminds the events of a window that has more than a page of them, not only the soonest page', async () => {
    const host = uniqueUser('host');
    // A page of events starting sooner (at one time: ties are paged by id), reminded by a first pass.
    const soon = new Date(Date.now() + 20 * 60_000);
    const id = randomUUID().slice(0, 8);
    const crowd = demoEvents(REMINDER_PAGE_SIZE).map((event, i) => ({
      ...event,
      _id: `crowd-${id}-${String(i).padStart(3, '0')}`,
      hostId: host,
      status: 'ACTIVE' as const,
      startsAt: soon,
      endsAt: new Date(soon.getTime() + 3600_000),
    }));
    await a.deps.events.insertMany(crowd);
    await a.deps.reminders.runOnce();

    const later = new Date(Date.now() + 40 * 60_000);
    const due = await createEvent(a, host, { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 3600_000).toISOString() });
    const guest = uniqueUser('guest');
    await answer(a, due, guest, 'GOING');
    const collector = await collectEvents(a.deps.bus, TOPICS.notifications, due);
    try {
      assert.equal(await b.deps.reminders.runOnce(), 1, 'the pass sends the one reminder still due');
      const [received] = await collector.waitFor(1);
      assert.deepEqual([(received!.event.data as Notification).userId, (received!.event.data as Notification).window], [guest, '1h']);
      const claims = await a.deps.store.collection('reminder_claims').count({ eventId: { $in: [...crowd.map((event) => event._id), due] } });
      assert.equal(claims, REMINDER_PAGE_SIZE + 1, 'every event of the window was claimed once');
    } finally {
      await collector.stop();
    }
  });

  it('tells everyone affected that an event is cancelled, with the reason', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(a, host, { capacity: 1 });
    const [going, waitlisted, interested, notGoing, invitee] = ['going', 'waitlisted', 'interested', 'notgoing', 'invitee'].map(uniqueUser);
    await answer(a, eventId, going!, 'GOING');
    await answer(a, eventId, waitlisted!, 'GOING');
    await answer(a, eventId, interested!, 'INTERESTED');
    await answer(a, eventId, notGoing!, 'NOT_GOING');
    await befriend(a, host, invitee!);
    await a.gql('mutation($e: ID!, $u: [ID!]!) { inviteFriends(eventId: $e, userIds: $u) { invited { id } } }', { e: eventId, u: [invitee] }, host);

    const collector = await collectEvents(a.deps.bus, TOPICS.notifications, eventId);
    try {
      await a.gql('mutation($id: ID!) { cancelEvent(id: $id, reason: "Venue closed") { id } }', { id: eventId }, host);
      const received = await collector.waitFor(5);
      const cancelled = received.filter(({ event }) => event.type === 'notification.event_cancelled');
      assert.deepEqual(cancelled.map(({ event }) => (event.data as Notification).userId).sort(), [going, waitlisted, interested, invitee].sort());
      assert.ok(cancelled.every(({ event, key }) => (event.data as Notification).reason === 'Venue closed' && key === eventId));
    } finally {
      await collector.stop();
    }
  });
});
