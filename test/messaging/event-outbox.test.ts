import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { eventInput, startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`domain events reach the events topic through the outbox (${mode})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it('publishes created, updated, co-host, cancelled and deleted as CloudEvents keyed by event id, in order', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput() },
        host,
      );
      const id = created.data!.createEvent.id;
      const collector = await collectEvents(app.deps.bus, TOPICS.events, id);
      try {
        await app.gql('mutation($id: ID!) { updateEvent(id: $id, input: { title: "Renamed" }) { id } }', { id }, host);
        await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: id, u: cohost }, host);
        await app.gql('mutation($e: ID!, $u: ID!) { removeCoHost(eventId: $e, userId: $u) { id } }', { e: id, u: cohost }, host);
        await app.gql('mutation($id: ID!) { cancelEvent(id: $id, reason: "Rain") { id } }', { id }, host);
        await app.gql('mutation($id: ID!) { deleteEvent(id: $id) }', { id }, host);

        const received = await collector.waitFor(6);
        assert.deepEqual(
          received.map((message) => message.event.type),
          ['event.created', 'event.updated', 'event.cohost.added', 'event.cohost.removed', 'event.cancelled', 'event.deleted'],
        );
        for (const { key, event } of received) {
          assert.equal(key, id);
          assert.equal(event.specversion, '1.0');
          assert.equal(event.subject, id);
          assert.equal(event.source, app.config.eventSource);
          assert.equal(event.datacontenttype, 'application/json');
          assert.ok(!Number.isNaN(Date.parse(event.time)));
        }
        assert.equal(new Set(received.map((message) => message.event.id)).size, 6);
        const [createdEvent, updated, , , cancelled] = received.map((message) => message.event.data) as Record<string, unknown>[];
        assert.equal((createdEvent?.event as { title: string }).title, 'Board games night');
        assert.deepEqual(updated?.changed, ['title']);
        assert.equal(cancelled?.reason, 'Rain');
      } finally {
        await collector.stop();
      }
    });

    it('tells how long each relayed event waited in the outbox (outbox_relay_delay_seconds)', async () => {
      const relayed = async () => {
        const values = (await app.deps.metrics.outboxRelayDelay.get()).values;
        return {
          count: values.find((value) => value.metricName === 'outbox_relay_delay_seconds_count')?.value ?? 0,
          sum: values.find((value) => value.metricName === 'outbox_relay_delay_seconds_sum')?.value ?? 0,
        };
      };
      await app.deps.relay.flush();
      const before = await relayed();
      const writtenAt = Date.now();
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput() },
        uniqueUser('host'),
      );
      const id = created.data!.createEvent.id;
      const collector = await collectEvents(app.deps.bus, TOPICS.events, id);
      await collector.waitFor(1);
      await collector.stop();
      // The pass that published it has finished (passes never overlap).
      await app.deps.relay.flush();
      const after = await relayed();
      assert.equal(after.count - before.count, 1);
      const waitedS = after.sum - before.sum;
      assert.ok(waitedS >= 0 && waitedS <= (Date.now() - writtenAt) / 1000, `waited ${waitedS} s`);
    });

    it('leaves no pending outbox entries behind once published, and removes a deleted event', async () => {
      const host = uniqueUser('host');
      const created = await app.gql<{ createEvent: { id: string } }>(
        'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }',
        { input: eventInput() },
        host,
      );
      const id = created.data!.createEvent.id;
      await app.gql('mutation($id: ID!) { deleteEvent(id: $id) }', { id }, host);
      const collector = await collectEvents(app.deps.bus, TOPICS.events, id);
      await collector.waitFor(2);
      await collector.stop();
      await app.deps.relay.flush();
      assert.equal(await app.deps.store.collection('events').count({ _id: id }), 0);
    });
  });
}
