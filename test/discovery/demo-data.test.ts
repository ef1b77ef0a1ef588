import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_VIEWER } from '../../src/demo/seed.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { nearbyIds, recommendations, searchIds, trendingIds } from './support.js';

const PARIS = { lat: 48.8566, lng: 2.3522 };

/** What `npm start` shows the demo user: every discovery query has something to say. */
describe('demo data for discovery (embedded, as npm start runs)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: { SEED_DEMO_DATA: 'true', CONSUMERS_ENABLED: 'true' } });
  });
  after(() => app.stop());

  it('finds events by words of titles, tags and venues, with accents or without', async () => {
    for (const query of ['jazz', 'cafe', 'Café', 'typescr', 'yoga']) assert.ok((await searchIds(app, query, DEMO_VIEWER)).length > 0, query);
  });

  it('has events spread over the city, some with friends going', async () => {
    const near = await nearbyIds(app, PARIS, 3, DEMO_VIEWER);
    const further = await nearbyIds(app, PARIS, 10, DEMO_VIEWER);
    assert.ok(near.length >= 3 && further.length > near.length, `${near.length} within 3 km, ${further.length} within 10 km`);
    const going = await app.gql<{ nearbyEvents: { edges: { node: { friendsGoing: { count: number } } }[] } }>(
      `query($near: GeoPointInput!) { nearbyEvents(near: $near, radiusKm: 10, first: 50) { edges { node { friendsGoing { count } } } } }`,
      { near: PARIS },
      DEMO_VIEWER,
    );
    assert.ok(going.data!.nearbyEvents.edges.some((edge) => edge.node.friendsGoing.count >= 2));
  });

  it('trends, and recommends with every kind of reason', async () => {
    await eventually(async () => assert.ok((await trendingIds(app)).length >= 5), { what: 'trending events' });
    const edges = (await recommendations(app, DEMO_VIEWER)).data!.recommendedEvents.edges;
    const kinds = new Set(edges.flatMap((edge) => edge.reasons.map((reason) => reason.kind)));
    assert.deepEqual([...kinds].sort(), ['FRIENDS_GOING', 'MATCHES_INTEREST', 'NEARBY', 'POPULAR']);
  });

  it("has a friend's birthday this week and upcoming public events in categories", async () => {
    const birthdays = await app.gql<{ friendsBirthdays: { user: { id: string }; inDays: number }[] }>('{ friendsBirthdays { user { id } inDays } }', {}, DEMO_VIEWER);
    assert.ok(birthdays.data!.friendsBirthdays.length >= 1);
    const categories = await app.gql<{ categories: { upcomingEventCount: number }[] }>('{ categories { upcomingEventCount } }');
    assert.ok(categories.data!.categories.filter((category) => category.upcomingEventCount > 0).length >= 5);
  });

  it('reports cache hits and misses by cache name in /metrics', async () => {
    await recommendations(app, DEMO_VIEWER);
    await recommendations(app, DEMO_VIEWER);
    const metrics = await (await fetch(new URL('/metrics', app.url))).text();
    assert.match(metrics, /cache_hits_total\{cache="recommendations"\} [1-9]/);
    assert.match(metrics, /cache_misses_total\{cache="recommendations"\} [1-9]/);
    assert.match(metrics, /cache_(hits|misses)_total\{cache="category-counts"\} [1-9]/);
    assert.match(metrics, /cache_hits_total\{cache="trending"\} [1-9]/);
  });
});
