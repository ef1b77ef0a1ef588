import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { BUCKETS, STAT_OF, type RsvpRecord } from '../../src/domain/rsvps/model.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { collectEvents } from '../support/messages.js';
import { answer, createEvent, overwriteEvent, statsOf } from '../support/events.js';
import { eventually } from '../support/eventually.js';

/** Long enough that the answers, the overwrite and the first reconcile fit in it on a loaded machine. */
const SETTLE_MS = 3_000;

describe('counts never drift (FerretDB)', () => {
  let app: TestApp;
  before(async () => {
    // The burst runs in a child process; this app's outbox relay stays idle meanwhile,
    // because FerretDB loses concurrent updates of one document made from two processes
    // (see README), and the relay would write to the same event document.
    app = await startTestApp({
      mode: 'real',
      env: { RATE_LIMIT_RSVP_PER_HOUR: '10000', RECONCILE_SETTLE_MS: String(SETTLE_MS), OUTBOX_POLL_MS: '3600000' },
    });
  });
  after(() => app.stop());

  /** The settle period is a rule of time, so waiting for it is a matter of time too. */
  function reconcileOnceSettled(eventId: string) {
    return eventually(
      async () => {
        const outcome = await app.deps.ledger.reconcile(eventId);
        assert.notEqual(outcome, 'unsettled');
        return outcome;
      },
      { timeoutMs: 30_000, intervalMs: SETTLE_MS / 4, what: `${eventId} settled` },
    );
  }

  async function countsFromRecords(eventId: string) {
    const records = await app.deps.store.collection<RsvpRecord>('rsvps').find({ eventId });
    return Object.fromEntries(BUCKETS.map((bucket) => [STAT_OF[bucket], records.filter((record) => record.bucket === bucket).length]));
  }

  it('repairs counts that disagree with the records and publishes the corrected counts', async () => {
    const eventId = await createEvent(app, uniqueUser('host'), { capacity: 5 });
    for (const status of ['GOING', 'GOING', 'MAYBE']) await answer(app, eventId, uniqueUser('guest'), status);
    await overwriteEvent(app, eventId, { $inc: { 'stats.going': 7, 'stats.maybe': -1, seatsLeft: -2 } });
    assert.equal(await app.deps.ledger.reconcile(eventId), 'unsettled', 'answers a moment ago may still be in flight');
    const collector = await collectEvents(app.deps.bus, TOPICS.events, eventId);

    assert.equal(await reconcileOnceSettled(eventId), 'repaired');
    assert.deepEqual(await statsOf(app, eventId), { going: 2, interested: 0, maybe: 1, notGoing: 0, waitlisted: 0 });
    assert.equal((await app.deps.events.findById(eventId))?.seatsLeft, 3);
    assert.equal(await reconcileOnceSettled(eventId), 'consistent', 'a second pass finds nothing to repair');

    const received = await collector.waitFor(5);
    await collector.stop();
    const repaired = received.map((message) => message.event.data as { reconciled?: boolean; counts: Record<string, number> }).find((data) => data.reconciled);
    assert.deepEqual(repaired?.counts, { going: 2, interested: 0, maybe: 1, notGoing: 0, waitlisted: 0 });
  });

  it('after a process is killed in the middle of a burst of answers, reconciliation makes counts equal the records', async () => {
    const eventId = await createEvent(app, uniqueUser('host'), { capacity: 20 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/rsvp-burst.ts', eventId, app.config.mongo!.database], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) {
      if (line === 'answered 100') break;
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', `the burst ended before it was killed: ${stderr}`);

    await reconcileOnceSettled(eventId);
    const fromRecords = await countsFromRecords(eventId);
    assert.deepEqual(await statsOf(app, eventId), fromRecords);
    const event = await app.deps.events.findById(eventId);
    assert.equal(event?.seatsLeft, 20 - fromRecords.going!);
    assert.ok(fromRecords.going! <= 20, 'never more seated than the capacity');
    if (fromRecords.waitlisted! > 0) assert.equal(fromRecords.going, 20, 'nobody waits while a seat is free');
  });
});
