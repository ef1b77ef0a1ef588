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
