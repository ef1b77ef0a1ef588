import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { PROCESSED_MESSAGES } from '../../src/datasources/processed-message-repository.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { contractEvent, publishEvents } from '../support/messages.js';
import { UserCreated } from '../../src/domain/messaging/consumed-messages.js';

/** Bounds the wait for the consumer to recover: session expiry plus kafkajs's restart backoff. */
const RECOVERY_MS = 90_000;

describe('users consumer across a Kafka broker restart (real)', () => {
  // A broker of this suite's own, stopped and started again on the same port and data
  // directory (committed offsets and retained messages survive).
  let broker: DedicatedServer;
  let app: TestApp;

  before(async () => {
    broker = await startDedicatedServer('kafka');
    app = await startTestApp({
      mode: 'real',
      // A broker of its own holds only this suite's messages. Reading from the beginning
      // matters: a partition whose first offsets were not committed before the stop would
      // otherwise restart at its end and skip what was published during the outage.
      env: { ...broker.env, CONSUMERS_ENABLED: 'true', CONSUMERS_FROM_BEGINNING: 'true' },
    });
    await app.deps.consumers.friendships.stop();
  });
  after(async () => {
    await app?.stop();
    await broker?.dispose();
  });

  it('loses no message published before the stop or after the restart', async () => {
    const consumer = app.deps.consumers.users;
    const batch = (label: string, size: number) =>
      Array.from({ length: size }, (_, index) => contractEvent(UserCreated, uniqueUser(label), { name: `${label} ${index}` }));
    // Enough that the consumer is still busy with them when the broker goes away.
    const beforeStop = batch('before', 200);
    const afterRestart = batch('after', 20);

    await publishEvents(app.deps.bus, TOPICS.users, beforeStop);
    // Stop while the consumer is still working through the batch.
    await consumer.settled(beforeStop[0]!.id);
    await broker.stop();
    await broker.start();
    // The producer reconnects on its own; a send during the reconnect may fail once.
    await retry(() => publishEvents(app.deps.bus, TOPICS.users, afterRestart), RECOVERY_MS);

    const all = [...beforeStop, ...afterRestart];
    const outcomes = await Promise.all(all.map((event) => consumer.settled(event.id, RECOVERY_MS)));
    assert.ok(outcomes.every(({ outcome }) => outcome === 'processed' || outcome === 'duplicate'));
    for (const event of all) {
      assert.equal((await app.deps.users.findById(event.subject))?.name, (event.data as { name: string }).name);
    }
    const records = await app.deps.store
      .collection(PROCESSED_MESSAGES)
      .count({ _id: { $in: all.map((event) => `users:${event.id}`) } });
    assert.equal(records, all.length);
  });
});

async function retry(work: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 200; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
