import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { StoreLease } from '../../src/datasources/store-lease.js';
import { Warmer } from '../../src/domain/discovery/warmer.js';
import { TrendingBoard } from '../../src/domain/discovery/trending-board.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { createAt, lonelyPlace, offset, trendingIds } from './support.js';

/** Weights far enough apart that decay over a test's seconds cannot reorder them. */
const WEIGHTS = { TRENDING_WEIGHT_RSVP: '3', TRENDING_WEIGHT_SHARE: '5', TRENDING_WEIGHT_VIEW: '1', TRENDING_WEIGHT_POST: '2' };

const share = (app: TestApp, eventId: string, viewer?: string) =>
  app.gql<{ shareEvent: { id: string; stats: { shares: number } } }>('mutation($e: ID!) { shareEvent(eventId: $e, channel: LINK) { id stats { shares } } }', { e: eventId }, viewer);
const view = (app: TestApp, eventId: string, viewer: string) => app.gql('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, viewer);

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`trendingEvents (${mode} stores, consumers on)`, () => {
    let app: TestApp;
    const host = uniqueUser('host');
    const place = lonelyPlace();
    const ids: Record<'answered' | 'shared' | 'viewed' | 'posted' | 'quiet', string> = { answered: '', shared: '', viewed: '', posted: '', quiet: '' };

    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true', ...WEIGHTS } });
      for (const key of Object.keys(ids) as (keyof typeof ids)[]) ids[key] = await createAt(app, host, offset(place, 1), { title: key, categoryId: key === 'posted' ? 'arts' : 'music' });
    });
    after(() => app.stop());

    it('ranks events by their decayed score of answers, shares, views and posts, kept up to date from the domain events', async () => {
      // 2 GOING = 6; 1 share = 5 (a second share by the same person the same day does not count); 4 unique viewers = 4; 1 post = 2.
      for (const user of [uniqueUser('a'), uniqueUser('b')]) assert.equal((await answer(app, ids.answered, user, 'GOING')).errors, undefined);
      await answer(app, ids.answered, uniqueUser('c'), 'NOT_GOING');
      const sharer = uniqueUser('sharer');
      assert.equal((await share(app, ids.shared, sharer)).data!.shareEvent.stats.shares, 1);
      assert.equal((await share(app, ids.shared, sharer)).data!.shareEvent.stats.shares, 1);
      const viewers = [uniqueUser('v'), uniqueUser('v'), uniqueUser('v'), uniqueUser('v')];
      for (const viewer of [...viewers, ...viewers]) await view(app, ids.viewed, viewer);
      await app.deps.views.flush();
      const post = await app.gql('mutation($e: ID!) { createPost(eventId: $e, body: "See you there") { id } }', { e: ids.posted }, host);
      assert.equal(post.errors, undefined, JSON.stringify(post.errors));

      const expected = [ids.answered, ids.shared, ids.viewed, ids.posted];
      await eventually(async () => assert.deepEqual(await trendingIds(app), expected), { what: 'the trending order', timeoutMs: 30_000 });
      assert.deepEqual(await trendingIds(app, undefined, { category: 'music' }), [ids.answered, ids.shared, ids.viewed]);
      assert.deepEqual(await trendingIds(app, undefined, { category: 'arts', near: place, r: 5 }), [ids.posted]);
      assert.deepEqual(await trendingIds(app, undefined, { near: lonelyPlace(), r: 5 }), []);
      const stats = await app.gql<{ event: { stats: { shares: number; views: number } } }>('query($id: ID!) { event(id: $id) { stats { shares views } } }', { id: ids.viewed }, host);
      assert.equal(stats.data!.event.stats.views, 4);
    });

    it('keeps the scores with the events, so the store answers and the board is rebuilt after Redis loses it', async () => {
      // Signed in: an anonymous answer may come from the response cache, not from the board or the store.
      const reader = uniqueUser('reader');
      const before = await trendingIds(app, reader);
      await Promise.all(['trending:built', TrendingBoard.ALL, TrendingBoard.keyOf('music')].map((key) => app.deps.kv.delete(key)));
      assert.deepEqual(await trendingIds(app, reader), before, 'from the store');
      assert.equal(await app.deps.discovery.trendingWarmer.runOnce(), before.length);
      const board = await app.deps.kv.sortedSetTop(TrendingBoard.ALL, 10);
      assert.deepEqual(board.map((entry) => entry.member), before);
      assert.deepEqual(await trendingIds(app, reader), before, 'from the board again');
    });

    it('takes an event off the board once it is cancelled', async () => {
      const result = await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: ids.shared }, host);
      assert.equal(result.errors, undefined);
      await eventually(async () => {
        const board = await app.deps.kv.sortedSetTop(TrendingBoard.ALL, 10);
        assert.ok(!board.some((entry) => entry.member === ids.shared));
      }, { what: 'the cancelled event to leave the board', timeoutMs: 30_000 });
      assert.ok(!(await trendingIds(app)).includes(ids.shared));
    });
  });
}

describe('trending after a Redis flush (a Redis of its own)', () => {
  let redis: DedicatedServer;
  let app: TestApp;
  const host = uniqueUser('host');
  // Signed in: an anonymous answer may come from the response cache, not from the board or the store.
  const reader = uniqueUser('reader');
  const eventIds: string[] = [];

  before(async () => {
    redis = await startDedicatedServer('redis');
    app = await startTestApp({ mode: 'real', env: { ...redis.env } });
    for (let i = 0; i < 3; i++) eventIds.push(await createAt(app, host, lonelyPlace()));
    for (const [i, id] of eventIds.entries()) await app.deps.discovery.scores.record(id, 10 - i, new Date());
  });
  after(async () => {
    await app?.stop();
    await redis?.dispose();
  });

  it('answers from the store while the board is gone, and the warmer puts it back', async () => {
    assert.deepEqual(await trendingIds(app, reader), eventIds);
    const client = new Redis(redis.url);
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    const misses = async () => (await app.deps.metrics.cacheMisses.get()).values.find((value) => value.labels.cache === 'trending')?.value ?? 0;
    const before = await misses();
    assert.deepEqual(await trendingIds(app, reader), eventIds);
    assert.ok((await misses()) > before, 'counted as a miss of the trending cache');
    await app.deps.discovery.trendingWarmer.runOnce();
    assert.deepEqual((await app.deps.kv.sortedSetTop(TrendingBoard.ALL, 10)).map((entry) => entry.member), eventIds);
  });

  it('answers from the store while Redis is down', async () => {
    await redis.stop();
    try {
      assert.deepEqual(await trendingIds(app, reader), eventIds);
    } finally {
      await redis.start();
    }
  });
});

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`warmers (${mode} store)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it('run on one instance at a time', async () => {
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const lease = (holder: string) => new StoreLease(app.deps.store, 'test-warmer', holder, 60_000);
      const runs: string[] = [];
      const warmer = (holder: string) =>
        new Warmer('test', async () => {
          runs.push(holder);
          await blocked;
          return 1;
        }, lease(holder), app.deps.logger);
      const [one, two] = [warmer('instance-1'), warmer('instance-2')];
      const first = one.runOnce();
      await eventually(() => assert.deepEqual(runs, ['instance-1']));
      assert.equal(await two.runOnce(), null, 'the other instance skips while the first rebuilds');
      release();
      assert.equal(await first, 1);
      assert.equal(await two.runOnce(), 1, 'and takes its turn afterwards');
      assert.deepEqual(runs, ['instance-1', 'instance-2']);
    });
  });
}
