import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { createEvent } from '../support/events.js';

describe('outbox across a Kafka outage (dedicated broker)', () => {
  let kafka: DedicatedServer;
  let app: TestApp;
  before(async () => {
    kafka = await startDedicatedServer('kafka');
    app = await startTestApp({ mode: 'real', env: kafka.env });
  });
  after(async () => {
    await app?.stop();
    await kafka?.dispose();
  });

  it('keeps every event committed while the broker is down and publishes each exactly as committed once it is back', async () => {
    const host = uniqueUser('host');
    await kafka.stop();

    const first = await createEvent(app, host, { title: 'During the outage' });
    const second = await createEvent(app, host, { title: 'Also during it' });
    const renamed = await app.gql('mutation($id: ID!) { updateEvent(id: $id, input: { title: "Renamed offline" }) { id } }', { id: first }, host);
    assert.equal(renamed.errors, undefined, 'mutations do not depend on the broker');
    await app.gql('mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { id } }', { id: second }, host);

    // Nothing could be published: the events wait in their documents.
    await assert.rejects(app.deps.relay.flush());
    assert.equal(await app.deps.store.collection('events').count({ _id: { $in: [first, second] }, outboxCount: { $gt: 0 } }), 2);

    await kafka.start();
    const firstEvents = await collectEvents(app.deps.bus, TOPICS.events, first);
    const secondEvents = await collectEvents(app.deps.bus, TOPICS.events, second);
    try {
      const one = await firstEvents.waitFor(2, 60_000);
      const two = await secondEvents.waitFor(2, 60_000);
      assert.deepEqual(one.map((message) => message.event.type), ['event.created', 'event.updated']);
      assert.deepEqual(two.map((message) => message.event.type), ['event.created', 'event.cancelled']);
      assert.equal((one[1]!.event.data as { event: { title: string } }).event.title, 'Renamed offline');
      assert.equal((two[1]!.event.data as { reason: string }).reason, 'Storm');
      for (const message of [...one, ...two]) assert.equal(message.key, message.event.subject);
    } finally {
      await firstEvents.stop();
      await secondEvents.stop();
    }
    assert.equal(await app.deps.store.collection('events').count({ _id: { $in: [first, second] }, outboxCount: { $gt: 0 } }), 0);
  });
});
