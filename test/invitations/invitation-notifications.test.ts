import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { createEvent } from '../support/events.js';
import { befriend } from '../support/seed.js';
import { invite } from './support.js';
import { eventually } from '../support/eventually.js';

describe('invitation notifications (Kafka)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'real' });
  });
  after(() => app.stop());

  it('publishes notification.event_invitation per invitee on notifications, keyed by the event id (the subject)', async () => {
    const host = uniqueUser('host');
    const [ann, bob] = [uniqueUser('ann'), uniqueUser('bob')];
    await befriend(app, host, ann, bob);
    const eventId = await createEvent(app, host, { title: 'Picnic', privacy: 'FRIENDS' });
    const startsAt = (await app.deps.events.findById(eventId))!.startsAt.toISOString();
    const collector = await collectEvents(app.deps.bus, TOPICS.notifications, eventId);
    try {
      const result = await invite(app, eventId, host, [ann, bob, uniqueUser('stranger')], 'Bring a blanket');
      assert.equal(result.data?.inviteFriends.invited.length, 2);
      const received = await collector.waitFor(2);
      assert.equal(received.length, 2);
      const byInvitee = new Map(received.map((message) => [(message.event.data as { inviteeId: string }).inviteeId, message]));
      for (const invitee of [ann, bob]) {
        const message = byInvitee.get(invitee);
        assert.ok(message, `no notification for ${invitee}`);
        assert.equal(message.key, eventId);
        assert.equal(message.event.subject, eventId);
        assert.equal(message.event.type, 'notification.event_invitation');
        assert.equal(message.event.specversion, '1.0');
        assert.deepEqual(message.event.data, {
          invitationId: `${eventId}:${invitee}`,
          eventId,
          inviterId: host,
          inviteeId: invitee,
          message: 'Bring a blanket',
          title: 'Picnic',
          startsAt,
        });
      }
      // Relayed, so the outbox of each invitation is empty again.
      await eventually(async () => assert.equal(await app.deps.store.collection('invitations').count({ eventId, outboxCount: { $gt: 0 } }), 0), {
        what: 'an empty outbox on every invitation',
        intervalMs: 100,
      });
    } finally {
      await collector.stop();
    }
  });
});
