import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { rsvpId, type RsvpRecord } from '../../src/domain/rsvps/model.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent, statsOf, storedEvent } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { collectEvents } from '../support/messages.js';

const SETTLE_MS = 500;
const CHILD = fileURLToPath(new URL('../support/answer-then-die.ts', import.meta.url));

/** Runs the answer in another process that dies with SIGKILL at `point`. */
function answerThenDie(app: TestApp, eventId: string, userId: string, point: 'before-answer' | 'before-message'): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, eventId, app.config.mongo!.database, userId, point], {
    env: { ...process.env, MONGODB_URL: process.env.MONGODB_URL, MONGODB_WRITE_ISOLATION: 'store' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (_code, signal) => resolve(signal));
  });
}

interface RsvpData {
  userId: string | null;
  status: string | null;
  reconciled?: boolean;
}

describe('an instance killed between the writes of an answer (FerretDB, Kafka)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'real', env: { RECONCILE_SETTLE_MS: String(SETTLE_MS) } });
  });
  after(() => app.stop());

  const reconciled = (eventId: string) =>
    eventually(
      async () => {
        const outcome = await app.deps.ledger.reconcile(eventId);
        assert.notEqual(outcome, 'unsettled');
        return outcome;
      },
      { timeoutMs: 20_000, intervalMs: SETTLE_MS / 2, what: `${eventId} settled` },
    );

  it('publishes nothing for a seat claimed for an answer that was never written, and frees the seat', async () => {
    const eventId = await createEvent(app, uniqueUser('host'), { capacity: 3 });
    const guest = uniqueUser('guest');
    const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);
    try {
      assert.equal(await answerThenDie(app, eventId, guest, 'before-answer'), 'SIGKILL');
      assert.equal(await app.deps.store.collection<RsvpRecord>('rsvps').findOne({ _id: rsvpId(eventId, guest) }), null);
      const claimed = await storedEvent(app, eventId);
      assert.deepEqual([claimed?.stats.going, claimed?.seatsLeft], [1, 2], 'the seat was claimed before the answer');
      assert.equal(Object.values(claimed?.outbox ?? {}).length, 0, 'and no message was written with it');

      assert.equal(await reconciled(eventId), 'repaired');
      assert.equal((await statsOf(app, eventId))?.going, 0);
      assert.equal((await app.deps.events.findById(eventId))?.seatsLeft, 3);
      // event.created, then the reconciliation's counts: never a message about the guest.
      const received = await collector.waitFor(2);
      const rsvps = received.filter((message) => message.event.type === 'event.rsvp').map((message) => message.event.data as RsvpData);
      assert.ok(rsvps.some((data) => data.reconciled));
      assert.deepEqual(rsvps.filter((data) => data.userId === guest), []);
    } finally {
      await collector.stop();
    }
  });

  it('writes the message of an answer recorded just before the crash, with the id the answer names', async () => {
    const eventId = await createEvent(app, uniqueUser('host'));
    const guest = uniqueUser('guest');
    const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);
    try {
      assert.equal(await answerThenDie(app, eventId, guest, 'before-message'), 'SIGKILL');
      const recorded = await app.deps.store.collection<RsvpRecord>('rsvps').findOne({ _id: rsvpId(eventId, guest) });
      assert.equal(recorded?.status, 'GOING');
      assert.ok(recorded?.messageId);
      assert.equal((await statsOf(app, eventId))?.going, 0, 'the counts were not moved yet');

      // The periodic job finds the event by its answer: the event itself shows no trace of it.
      const since = new Date(Date.now() - 60_000);
      await eventually(async () => assert.ok((await app.deps.reconciler.runOnce(since)).repaired >= 1), {
        timeoutMs: 20_000,
        intervalMs: SETTLE_MS / 2,
        what: 'the reconciliation pass repairs the event',
      });
      assert.equal((await statsOf(app, eventId))?.going, 1);
      const message = await eventually(
        () => {
          const found = collector.received.find((received) => received.event.id === recorded.messageId);
          assert.ok(found, 'the answer reached Kafka');
          return found;
        },
        { what: 'the late message' },
      );
      assert.deepEqual([(message.event.data as RsvpData).userId, (message.event.data as RsvpData).status], [guest, 'GOING']);
      assert.equal(await app.deps.ledger.reconcile(eventId), 'consistent', 'written once: it is published now');
    } finally {
      await collector.stop();
    }
  });
});
