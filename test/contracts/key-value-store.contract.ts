import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import type { KeyValueStore, RateLimitRule, RateLimiter } from '../../src/datasources/cache.js';
import { eventually } from '../support/eventually.js';

/** Behaviour every KeyValueStore must share. `create` is called per test (e.g. with its own key prefix). */
export function keyValueStoreContract(name: string, create: () => Promise<KeyValueStore>) {
  describe(`KeyValueStore contract: ${name}`, () => {
    const opened: KeyValueStore[] = [];
    const open = async () => {
      const store = await create();
      opened.push(store);
      return store;
    };
    const key = () => `key-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('answers ping', async () => {
      await (await open()).ping();
    });

    it('returns what was set, null for a missing key, and the latest value after an overwrite', async () => {
      const store = await open();
      const k = key();
      assert.equal(await store.get(k), null);
      await store.set(k, 'first', 60);
      assert.equal(await store.get(k), 'first');
      await store.set(k, 'second', 60);
      assert.equal(await store.get(k), 'second');
    });

    it('deletes a key, and deleting a missing key is harmless', async () => {
      const store = await open();
      const k = key();
      await store.set(k, 'value', 60);
      await store.delete(k);
      await store.delete(k);
      assert.equal(await store.get(k), null);
    });

    it('lets exactly one of many concurrent setIfAbsent callers win, keeping its value', async () => {
      const store = await open();
      const k = key();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.setIfAbsent(k, `caller-${i}`, 60)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(await store.get(k), `caller-${winners[0]}`);
      assert.equal(await store.setIfAbsent(k, 'late', 60), false);
      assert.equal(await store.get(k), `caller-${winners[0]}`);
    });

    it('expires entries after their TTL, after which setIfAbsent succeeds again', async () => {
      const store = await open();
      const cached = key();
      const lease = key();
      await store.set(cached, 'value', 0.2);
      assert.equal(await store.setIfAbsent(lease, 'holder-1', 0.2), true);
      assert.equal(await store.get(cached), 'value');

      await eventually(async () => assert.equal(await store.get(cached), null), { timeoutMs: 3_000 });
      await eventually(async () => assert.equal(await store.setIfAbsent(lease, 'holder-2', 60), true), { timeoutMs: 3_000 });
      assert.equal(await store.get(lease), 'holder-2');
    });

    it('keeps a TTL that has not run out', async () => {
      const store = await open();
      const k = key();
      await store.set(k, 'value', 60);
      await sleep(300);
      assert.equal(await store.get(k), 'value');
    });

    it('refuses a TTL that is not positive', async () => {
      const store = await open();
      await assert.rejects(store.set(key(), 'value', 0), RangeError);
      await assert.rejects(store.setIfAbsent(key(), 'value', -1), RangeError);
      await assert.rejects(store.countDistinct(key(), ['a'], 0), RangeError);
    });

    it('ranks a sorted set highest score first, moves a member whose score changes, and removes members', async () => {
      const store = await open();
      const k = key();
      assert.deepEqual(await store.sortedSetTop(k, 10), []);
      await store.sortedSetAdd(k, [
        { member: 'a', score: 1.5 },
        { member: 'b', score: -2 },
        { member: 'c', score: 30.25 },
      ]);
      await store.sortedSetAdd(k, [{ member: 'b', score: 100 }]);
      assert.deepEqual(await store.sortedSetTop(k, 10), [
        { member: 'b', score: 100 },
        { member: 'c', score: 30.25 },
        { member: 'a', score: 1.5 },
      ]);
      assert.deepEqual((await store.sortedSetTop(k, 2)).map((entry) => entry.member), ['b', 'c']);
      await store.sortedSetRemove(k, ['c', 'missing']);
      assert.deepEqual((await store.sortedSetTop(k, 10)).map((entry) => entry.member), ['b', 'a']);
    });

    it('pages a sorted set strictly after a cursor, equal scores ordered by member (greater first)', async () => {
      const store = await open();
      const k = key();
      await store.sortedSetAdd(k, [
        { member: 'e1', score: 5 },
        { member: 'e2', score: 7 },
        { member: 'e3', score: 7 },
        { member: 'e4', score: 7 },
        { member: 'e5', score: 1 },
      ]);
      const first = await store.sortedSetTop(k, 2);
      assert.deepEqual(first.map((entry) => entry.member), ['e4', 'e3']);
      const second = await store.sortedSetTop(k, 2, first.at(-1)!);
      assert.deepEqual(second.map((entry) => entry.member), ['e2', 'e1']);
      const third = await store.sortedSetTop(k, 2, second.at(-1)!);
      assert.deepEqual(third, [{ member: 'e5', score: 1 }]);
      assert.deepEqual(await store.sortedSetTop(k, 2, third[0]!), []);
    });

    it('replaces a whole sorted set at once, and an empty replacement removes it', async () => {
      const store = await open();
      const k = key();
      await store.sortedSetAdd(k, [{ member: 'old', score: 9 }]);
      const many = Array.from({ length: 2_500 }, (_, i) => ({ member: `m${i}`, score: i }));
      await store.sortedSetReplace(k, many);
      const top = await store.sortedSetTop(k, 3);
      assert.deepEqual(top.map((entry) => entry.member), ['m2499', 'm2498', 'm2497']);
      assert.equal((await store.sortedSetTop(k, 5_000)).length, 2_500);
      await store.sortedSetReplace(k, []);
      assert.deepEqual(await store.sortedSetTop(k, 10), []);
    });

    it('deletes a sorted set and a distinct count like any key', async () => {
      const store = await open();
      const [ranking, seen] = [key(), key()];
      await store.sortedSetAdd(ranking, [{ member: 'a', score: 1 }]);
      await store.countDistinct(seen, ['x'], 60);
      await store.delete(ranking);
      await store.delete(seen);
      assert.deepEqual(await store.sortedSetTop(ranking, 10), []);
      assert.equal(await store.countDistinct(seen, ['x'], 60), 1);
    });

    it('counts distinct members: repeats add nothing, and concurrent growths add up to the count', async () => {
      const store = await open();
      const k = key();
      assert.equal(await store.countDistinct(k, ['ann', 'bob', 'ann'], 60), 2);
      assert.equal(await store.countDistinct(k, ['bob', 'ann'], 60), 0);
      assert.equal(await store.countDistinct(k, [], 60), 0);
      const batches = Array.from({ length: 10 }, (_, b) => Array.from({ length: 200 }, (_, i) => `viewer-${b}-${i}`));
      const growths = await Promise.all(batches.map((batch) => store.countDistinct(k, batch, 60)));
      const total = 2 + growths.reduce((sum, grown) => sum + grown, 0);
      // A HyperLogLog estimates (0.81 % standard error); the embedded twin counts exactly.
      assert.ok(Math.abs(total - 2_002) <= 2_002 * 0.03, `counted ${total} of 2002`);
      assert.equal(await store.countDistinct(k, batches[3]!, 60), 0);
    });

    it('forgets a distinct count after its TTL', async () => {
      const store = await open();
      const [k, marker] = [key(), key()];
      assert.equal(await store.countDistinct(k, ['ann'], 0.2), 1);
      // Set after the count, with the same TTL: once it is gone, so is the count.
      await store.set(marker, 'set', 0.2);
      await eventually(async () => assert.equal(await store.get(marker), null), { timeoutMs: 3_000 });
      assert.equal(await store.countDistinct(k, ['ann'], 60), 1);
    });
  });
}

export interface RateLimiterFixture {
  limiter: RateLimiter;
  close(): Promise<void>;
}

/** Behaviour every RateLimiter must share. `create` gets the rules to enforce. */
export function rateLimiterContract(
  name: string,
  create: (rules: Record<string, RateLimitRule>) => Promise<RateLimiterFixture>,
) {
  describe(`RateLimiter contract: ${name}`, () => {
    const opened: RateLimiterFixture[] = [];
    const open = async (rules: Record<string, RateLimitRule>) => {
      const fixture = await create(rules);
      opened.push(fixture);
      return fixture.limiter;
    };
    const caller = () => `user-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((fixture) => fixture.close()));
    });

    it('allows the first N requests in a window, then refuses with a retry-after', async () => {
      const limiter = await open({ create: { points: 3, windowSeconds: 60 } });
      const user = caller();
      const allowed = [];
      for (let i = 0; i < 3; i++) allowed.push(await limiter.consume('create', user));
      assert.deepEqual(
        allowed.map((d) => [d.allowed, d.remaining, d.retryAfterSeconds]),
        [[true, 2, 0], [true, 1, 0], [true, 0, 0]],
      );

      const refused = await limiter.consume('create', user);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= 60, `retryAfter ${refused.retryAfterSeconds}`);
    });

    it('counts each caller and each bucket separately', async () => {
      const limiter = await open({ create: { points: 1, windowSeconds: 60 }, search: { points: 1, windowSeconds: 60 } });
      const [ann, bob] = [caller(), caller()];
      assert.equal((await limiter.consume('create', ann)).allowed, true);
      assert.equal((await limiter.consume('create', ann)).allowed, false);
      assert.equal((await limiter.consume('create', bob)).allowed, true);
      assert.equal((await limiter.consume('search', ann)).allowed, true);
    });

    it('allows requests again once the window has passed', async () => {
      const limiter = await open({ rsvp: { points: 1, windowSeconds: 1 } });
      const user = caller();
      assert.equal((await limiter.consume('rsvp', user)).allowed, true);
      const refused = await limiter.consume('rsvp', user);
      assert.equal(refused.allowed, false);
      assert.equal(refused.retryAfterSeconds, 1);
      await eventually(async () => assert.equal((await limiter.consume('rsvp', user)).allowed, true), { timeoutMs: 3_000 });
    });

    it('treats an unknown bucket as a programming error', async () => {
      const limiter = await open({ create: { points: 1, windowSeconds: 60 } });
      await assert.rejects(limiter.consume('no-such-bucket', caller()), /unknown rate-limit bucket "no-such-bucket"/);
    });
  });
}
