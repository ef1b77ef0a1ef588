import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { StoreLease } from '../../src/datasources/store-lease.js';
import { DeadLetterStore } from '../../src/datasources/dead-letter-repository.js';
import { PROCESSED_MESSAGES, ProcessedMessages } from '../../src/datasources/processed-message-repository.js';
import { HousekeepingJob, type PruneTask } from '../../src/domain/housekeeping/housekeeping-job.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';

const DAY = 24 * 3600_000;
/**
 * The job's clock for these tests. The graph is shared with other suites, whose pruning
 * cut-offs lie in 2000 or later and whose pair decisions lie after that: a clock in 1999
 * keeps this suite's pruning away from their data.
 */
const NOW = new Date('1999-12-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

for (const mode of ['real', 'embedded'] as StoreMode[]) {
  describe(`housekeeping prunes bookkeeping past its retention, one instance at a time (${mode})`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it('removes processed ids, reminder claims, user tombstones, ended friendships and dead letters older than their retention, and nothing else', async () => {
      const { store, users, graph } = app.deps;
      const processed = new ProcessedMessages(store);
      const mark = (eventId: string, processedAt: Date) =>
        processed.mark({ consumer: 'users', eventId, type: 'user.updated', topic: 'users', partition: 0, offset: '0', processedAt });
      const [oldProcessed, newProcessed] = [randomUUID(), randomUUID()];
      await mark(oldProcessed, daysAgo(8)); // retention 7 days
      await mark(newProcessed, daysAgo(6));

      const claims = store.collection('reminder_claims');
      const claim = (claimedAt: Date) => ({ _id: `${randomUUID()}:1h`, eventId: randomUUID(), window: '1h', state: 'sent', claimedAt, claimedBy: 'test' });
      const [oldClaim, newClaim] = [claim(daysAgo(3)), claim(daysAgo(1))]; // retention 48 h
      await claims.insertMany([oldClaim, newClaim]);

      const [goneUser, recentlyDeleted, liveUser] = [uniqueUser('gone'), uniqueUser('deleted'), uniqueUser('live')];
      await users.applyDeletion(goneUser, daysAgo(31)); // retention 30 days
      await users.applyDeletion(recentlyDeleted, daysAgo(29));
      await users.applyIfNotOlder(liveUser, { name: 'Still here' }, daysAgo(400));

      const [ann, bob] = [uniqueUser('ann'), uniqueUser('bob')];
      await graph.setFriendship(ann, bob, { friends: false, at: daysAgo(31) });

      const letters = new DeadLetterStore(store);
      const letter = (offset: string, failedAt: Date) =>
        letters.record({
          ...{ consumer: 'users', groupId: 'g', reason: 'invalid', error: 'e', attempts: 0, cause: 'too_large' as const },
          ...{ topic: 'users', partition: 0, offset, key: null, value: '{}', headers: {}, eventId: null, eventType: null },
          failedAt,
        });
      const [oldLetter, newLetter] = [await letter('1', daysAgo(31)), await letter('2', daysAgo(29))];

      const pass = await app.deps.housekeeping.runOnce(NOW);

      assert.ok(pass.ran);
      assert.deepEqual(pass.failed, []);
      assert.equal(pass.pruned['processed-messages'], 1);
      assert.equal(pass.pruned['reminder-claims'], 1);
      assert.equal(pass.pruned['user-tombstones'], 1);
      assert.equal(pass.pruned['dead-letters'], 1);
      assert.deepEqual(
        (await store.collection(PROCESSED_MESSAGES).find({})).map((record) => record._id),
        [`users:${newProcessed}`],
      );
      assert.deepEqual((await claims.find({})).map((doc) => doc._id), [newClaim._id]);
      assert.deepEqual([...(await users.deletedAmong([goneUser, recentlyDeleted, liveUser]))], [recentlyDeleted]);
      assert.equal((await users.findById(liveUser))?.name, 'Still here');
      assert.equal(await letters.findById(oldLetter), null);
      assert.ok(await letters.findById(newLetter));
      // The pair no longer remembers its ending: an even older creation applies now.
      assert.equal(await graph.setFriendship(ann, bob, { friends: true, at: daysAgo(40) }), true);
    });

    it('lets one instance at a time hold the lease, and takes over a lease its holder left to expire', async () => {
      const name = `lease-${randomUUID()}`;
      const holders = Array.from({ length: 10 }, (_, i) => new StoreLease(app.deps.store, name, `instance-${i}`, 60_000));
      const won = await Promise.all(holders.map((lease) => lease.acquire(NOW)));
      assert.equal(won.filter(Boolean).length, 1);

      const winner = holders[won.indexOf(true)]!;
      const other = holders[won.indexOf(false)]!;
      assert.equal(await other.acquire(new Date(NOW.getTime() + 59_000)), false);
      // The holder died without releasing: once its time is up another instance takes over.
      assert.equal(await other.acquire(new Date(NOW.getTime() + 60_000)), true);
      // The old holder's late release does not free the new holder's lease.
      await winner.release();
      assert.equal(await winner.acquire(new Date(NOW.getTime() + 61_000)), false);
      await other.release();
      assert.equal(await winner.acquire(new Date(NOW.getTime() + 61_000)), true);
      await winner.release();
    });

    it('skips a pass while another instance runs one, and runs by itself every interval', async () => {
      const name = `housekeeping-${randomUUID()}`;
      let releaseGate!: () => void;
      const gate = new Promise<void>((resolve) => (releaseGate = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const slow: PruneTask = {
        name: 'slow',
        retentionMs: DAY,
        prune: async () => {
          entered();
          await gate;
          return 0;
        },
      };
      const job = (instance: string, tasks: PruneTask[]) =>
        new HousekeepingJob({ lease: new StoreLease(app.deps.store, name, instance, 60_000), logger: app.deps.logger, tasks });

      const first = job('instance-a', [slow]).runOnce();
      await inside;
      let counted = 0;
      const counting: PruneTask = { name: 'counting', retentionMs: DAY, prune: async () => ++counted };
      const second = job('instance-b', [counting]);
      assert.deepEqual(await second.runOnce(), { ran: false });
      assert.equal(counted, 0);
      releaseGate();
      assert.equal((await first).ran, true);

      let ticked!: () => void;
      const ticks = new Promise<void>((resolve) => (ticked = resolve));
      const periodic = job('instance-b', [{ name: 'tick', retentionMs: DAY, prune: async () => (ticked(), 0) }]);
      periodic.start(20);
      try {
        await ticks;
      } finally {
        await periodic.stop();
      }
    });
  });
}
