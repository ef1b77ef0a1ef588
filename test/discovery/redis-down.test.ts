import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { befriend } from '../support/seed.js';
import { createAt, goes, lonelyPlace, nearbyIds, recommendedIds, searchIds, trendingIds, uniqueWord } from './support.js';

/** Redis away makes discovery slower (the store answers), never broken. */
describe('discovery while Redis is down (a Redis of its own)', () => {
  let redis: DedicatedServer;
  let app: TestApp;
  const viewer = uniqueUser('viewer');
  const friend = uniqueUser('friend');
  const word = uniqueWord();
  const place = lonelyPlace();
  let eventId: string;

  before(async () => {
    redis = await startDedicatedServer('redis');
    app = await startTestApp({ mode: 'real', env: { ...redis.env, VIEWS_FLUSH_INTERVAL_SECONDS: '3600' } });
    eventId = await createAt(app, uniqueUser('host'), place, { title: `${word} picnic`, categoryId: 'outdoors' });
    await befriend(app, viewer, friend);
    await goes(app, friend, eventId);
    await app.deps.discovery.scores.record(eventId, 5, new Date());
    await redis.stop();
  });
  after(async () => {
    await app?.stop();
    await redis?.dispose();
  });

  it('still searches, finds nearby, trends, recommends and counts categories from the store', async () => {
    const misses = async () => (await app.deps.metrics.cacheMisses.get()).values.reduce((sum, value) => sum + value.value, 0);
    const before = await misses();
    assert.deepEqual(await searchIds(app, word, viewer), [eventId]);
    assert.deepEqual(await nearbyIds(app, place, 1, viewer), [eventId]);
    assert.deepEqual(await trendingIds(app, viewer), [eventId]);
    assert.deepEqual(await recommendedIds(app, viewer), [eventId]);
    const categories = await app.gql<{ categories: { id: string; upcomingEventCount: number }[] }>('{ categories { id upcomingEventCount } }');
    assert.equal(categories.data!.categories.find((category) => category.id === 'outdoors')?.upcomingEventCount, 1);
    assert.ok((await misses()) >= before + 3, 'the caches counted misses');
  });

  it('still shares, and keeps views until Redis can count them', async () => {
    const shared = await app.gql<{ shareEvent: { stats: { shares: number } } }>('mutation($e: ID!) { shareEvent(eventId: $e, channel: LINK) { stats { shares } } }', { e: eventId }, viewer);
    assert.equal(shared.errors, undefined, JSON.stringify(shared.errors));
    assert.equal(shared.data!.shareEvent.stats.shares, 1);
    await app.gql('query($id: ID!) { event(id: $id) { id } }', { id: eventId }, viewer);
    assert.equal(await app.deps.views.flush(), 0, 'not counted while Redis is away');
    await redis.start();
    // The client reconnects by itself; a flush before it has kept the views again.
    await eventually(async () => assert.equal(await app.deps.views.flush(), 1), { what: 'the view to be counted once Redis is back' });
    assert.equal((await app.deps.events.findById(eventId))!.stats.views, 1);
  });
});
