import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DOCUMENT_LOCKS } from '../../src/datasources/mongo/document-locks.js';
import { LOCKED_READ } from '../../src/datasources/mongo/mongo-document-store.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';

const RSVP = 'mutation($e: ID!, $s: RsvpStatus!) { rsvp(eventId: $e, status: $s) { status } }';

interface Sent {
  data: string[];
  /** Commands on the lock documents. */
  locks: string[];
  /** Reads a lock's hold made of its document, to check a conditional write's terms itself. */
  lockedReads: string[];
}

/**
 * One app whose MongoDB commands are recorded; the outbox relay, the periodic jobs and the
 * discovery warmers (their leases) are stopped, so only the mutation's own round trips are counted.
 */
async function countingApp(isolation: 'store' | 'auto'): Promise<{ app: TestApp; during: (run: () => Promise<void>) => Promise<Sent> }> {
  let recording: Sent | null = null;
  const app = await startTestApp({
    mode: 'real',
    env: { MONGODB_WRITE_ISOLATION: isolation, OUTBOX_POLL_MS: '3600000', REMINDER_INTERVAL_SECONDS: '3600' },
    onCommand: (name, collection, command) => {
      if (!recording) return;
      if (collection === DOCUMENT_LOCKS) recording.locks.push(name);
      else if (command.comment === LOCKED_READ) recording.lockedReads.push(`${name} ${collection ?? ''}`.trim());
      else recording.data.push(`${name} ${collection ?? ''}`.trim());
    },
  });
  const { relay, discovery } = app.deps;
  await Promise.all([relay.stop(), discovery.trendingWarmer.stop(), discovery.categoryCountsWarmer.stop()]);
  return {
    app,
    async during(run) {
      recording = { data: [], locks: [], lockedReads: [] };
      try {
        await run();
        return recording;
      } finally {
        recording = null;
      }
    },
  };
}

async function answerOnce(app: TestApp, eventId: string, status: string) {
  const result = await app.gql<{ rsvp: { status: string } }>(RSVP, { e: eventId, s: status }, uniqueUser('guest'));
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  assert.equal(result.data?.rsvp.status, status);
}

describe('store round trips per answer (FerretDB, counted by command monitoring)', () => {
  describe('on a store that isolates updates of one document (as MongoDB does; configured)', () => {
    let counting: Awaited<ReturnType<typeof countingApp>>;
    before(async () => {
      counting = await countingApp('store');
    });
    after(() => counting.app.stop());

    it('records an answer to an event without capacity in 3 round trips, and takes no lock', async () => {
      const eventId = await createEvent(counting.app, uniqueUser('host'));
      for (const status of ['GOING', 'INTERESTED']) {
        const sent = await counting.during(() => answerOnce(counting.app, eventId, status));
        assert.ok(sent.data.length <= 3, `sent ${sent.data.length}: ${sent.data.join(', ')}`);
        assert.deepEqual([sent.locks, sent.lockedReads], [[], []]);
      }
    });

    it('records GOING on an event with a capacity in 4 round trips, seated or waitlisted', async () => {
      const eventId = await createEvent(counting.app, uniqueUser('host'), { capacity: 1 });
      for (let i = 0; i < 2; i++) {
        const sent = await counting.during(() => answerOnce(counting.app, eventId, 'GOING'));
        assert.ok(sent.data.length <= 4, `sent ${sent.data.length}: ${sent.data.join(', ')}`);
      }
      const event = await counting.app.deps.events.findById(eventId);
      assert.deepEqual([event?.stats.going, event?.stats.waitlisted], [1, 1]);
    });
  });

  describe('on FerretDB as detected (it does not isolate updates of one document)', () => {
    let counting: Awaited<ReturnType<typeof countingApp>>;
    before(async () => {
      counting = await countingApp('auto');
    });
    after(() => counting.app.stop());

    it('detects the store from buildInfo and adds one lock (insert and delete) around the event update; the first answer is an insert, which needs none', async () => {
      assert.equal(counting.app.deps.store.isolation, 'lock');
      const eventId = await createEvent(counting.app, uniqueUser('host'));
      const sent = await counting.during(() => answerOnce(counting.app, eventId, 'GOING'));
      assert.ok(sent.data.length <= 3, `sent ${sent.data.length}: ${sent.data.join(', ')}`);
      assert.deepEqual(sent.locks, ['insert', 'delete']);
      // The event's update is conditional: its lock reads the event by `_id` to check the
      // terms, so the update goes by `_id` alone (FerretDB decodes every event for any other filter).
      assert.deepEqual(sent.lockedReads, ['find events']);
    });

    it('writes a first answer as an insert (its upsert would read the whole collection), a changed one with one more round trip', async () => {
      const eventId = await createEvent(counting.app, uniqueUser('host'));
      const guest = uniqueUser('guest');
      const answers = (sent: Sent) => sent.data.filter((command) => command.endsWith(' rsvps'));
      const answer = async (status: string) => {
        const result = await counting.app.gql<{ rsvp: { status: string } }>(RSVP, { e: eventId, s: status }, guest);
        assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      };
      const first = await counting.during(() => answer('GOING'));
      assert.deepEqual(answers(first), ['insert rsvps']);
      const changed = await counting.during(() => answer('INTERESTED'));
      assert.deepEqual(answers(changed), ['insert rsvps', 'findAndModify rsvps']);
      assert.ok(changed.data.length <= 4, `sent ${changed.data.length}: ${changed.data.join(', ')}`);
      // The same answer again: the lock's read finds it unchanged, and nothing is written.
      const again = await counting.during(() => answer('INTERESTED'));
      assert.deepEqual(again.lockedReads, ['find rsvps']);
      assert.ok(!answers(again).includes('findAndModify rsvps'), answers(again).join(', '));
      const event = await counting.app.deps.events.findById(eventId);
      assert.deepEqual([event?.stats.going, event?.stats.interested], [0, 1]);
    });

    it('adds one lock around each of the two updates of GOING on an event with a capacity (the answer itself is an insert, which needs none)', async () => {
      const eventId = await createEvent(counting.app, uniqueUser('host'), { capacity: 5 });
      const sent = await counting.during(() => answerOnce(counting.app, eventId, 'GOING'));
      assert.ok(sent.data.length <= 4, `sent ${sent.data.length}: ${sent.data.join(', ')}`);
      assert.deepEqual(sent.locks, ['insert', 'delete', 'insert', 'delete']);
      assert.ok(sent.lockedReads.length <= 2, sent.lockedReads.join(', '));
    });
  });
});
