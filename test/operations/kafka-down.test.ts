import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { subscribe } from '../support/ws-client.js';
import { dependencyBecomes, FAST_BREAKERS, readyStatus } from './support.js';

const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { counts { going } } }';

describe('Kafka down (dedicated broker stopped and restarted)', () => {
  let kafka: DedicatedServer;
  let app: TestApp;
  const logs: Record<string, unknown>[] = [];
  before(async () => {
    kafka = await startDedicatedServer('kafka');
    app = await startTestApp({ mode: 'real', logs, env: { ...kafka.env, ...FAST_BREAKERS, LOG_LEVEL: 'warn', KAFKA_TIMEOUT_MS: '3000' } });
  });
  after(async () => {
    await app?.stop();
    await kafka?.dispose();
  });

  it('keeps mutations succeeding and live subscriptions open, and resumes them without losing a count', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(app, host);
    const live = subscribe<{ eventStatsChanged: { counts: { going: number } } }>(app.url, await app.token(host), LIVE, { id: eventId });
    await eventually(() => assert.equal(app.deps.live.subscriberCount(eventId), 1), { what: 'the subscription' });
    assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined);
    await live.until((latest) => latest.eventStatsChanged.counts.going === 1);

    await kafka.stop();
    for (let i = 0; i < 5; i++) assert.equal((await answer(app, eventId, uniqueUser('guest'), 'GOING')).errors, undefined, 'the outbox holds the messages');
    const report = await dependencyBecomes(app, 'kafka', 'down', 'open');
    assert.equal(await readyStatus(app), 200, 'Kafka away does not take the instance out');
    // What an operator reads: messages waiting (entries, not documents: they all wait in one event), and the totals.
    const counts = report.counts as { outbox: { entries: number; documents: number; oldestAgeSeconds: number | null }; events: number; activeEvents: number; registrations: number; eventsStartingToday: number };
    assert.ok(counts.outbox.entries >= 5, `outbox entries ${counts.outbox.entries}`);
    assert.equal(counts.outbox.documents, 1);
    assert.equal(typeof counts.outbox.oldestAgeSeconds, 'number');
    assert.deepEqual([counts.events, counts.activeEvents, counts.registrations, counts.eventsStartingToday], [1, 1, 6, 0]);
    assert.equal(report.liveSubscriptions, 1);
    assert.equal(app.deps.live.subscriberCount(eventId), 1, 'the live subscription stays open');
    const pending = await app.deps.outbox.backlog();
    assert.ok(pending.entries >= 5, `the messages wait in the outbox (${pending.entries})`);

    await kafka.start();
    // The relay publishes what waited; the live feed's consumer resumes from its committed offset.
    await live.until((latest) => latest.eventStatsChanged.counts.going === 6, 90_000);
    await dependencyBecomes(app, 'kafka', 'up', 'closed');
    await eventually(async () => assert.equal((await app.deps.outbox.backlog()).entries, 0), { timeoutMs: 30_000, what: 'the outbox emptied' });
    const kafkaLines = logs.filter((line) => line.component === 'kafkajs');
    assert.ok(kafkaLines.length < 60, `the outage is reported, not every retry of it (${kafkaLines.length} kafkajs lines)`);
    await live.dispose();
  });
});
