import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { befriend } from '../support/seed.js';
import { goes, graphQueries, lonelyPlace, offset, profile, uniqueWord } from './support.js';

const NODE = 'id title host { id } category { id name } viewerRsvp { status } friendsGoing { count friends { id } }';

const QUERIES: Record<string, string> = {
  searchEvents: `query($q: String!, $first: Int) { searchEvents(query: $q, first: $first) { edges { node { ${NODE} } } } }`,
  nearbyEvents: `query($near: GeoPointInput!, $first: Int) { nearbyEvents(near: $near, radiusKm: 20, first: $first) { edges { distanceKm node { ${NODE} } } } }`,
  trendingEvents: `query($first: Int) { trendingEvents(first: $first) { edges { node { ${NODE} } } } }`,
  recommendedEvents: `query($first: Int) { recommendedEvents(first: $first) { edges { score reasons { kind } node { ${NODE} } } } }`,
};

/**
 * Each discovery query for a page of events with host, category, the viewer's answer and
 * friends going costs the same number of store round trips whatever the page size, and
 * at most one graph query (FerretDB commands counted by command monitoring, Neo4j
 * queries by the datastore latency histogram).
 */
describe('discovery round trips (real servers)', () => {
  let app: TestApp;
  const commands: string[] = [];
  const viewer = uniqueUser('viewer');
  const word = uniqueWord();
  const place = lonelyPlace();

  before(async () => {
    app = await startTestApp({ mode: 'real', onCommand: (name) => commands.push(name), env: { OUTBOX_POLL_MS: '3600000', RATE_LIMIT_SEARCH_PER_HOUR: '10000' } });
    const now = new Date();
    const friends = [uniqueUser('friend'), uniqueUser('friend')];
    for (const friend of friends) await befriend(app, viewer, friend);
    await profile(app, viewer, { location: { latitude: place.lat, longitude: place.lng }, interests: ['music'] });
    const events = demoEvents(40, now).map((event, i) => ({
      ...event,
      _id: `${word}-${i}`,
      title: `${word} ${event.title}`,
      hostId: uniqueUser('host'),
      privacy: i % 5 === 4 ? ('FRIENDS' as const) : ('PUBLIC' as const),
      startsAt: new Date(now.getTime() + (i + 1) * 3600_000),
      endsAt: new Date(now.getTime() + (i + 2) * 3600_000),
      location: { name: 'Venue', address: null, latitude: offset(place, i * 0.2).lat, longitude: offset(place, i * 0.2).lng },
      virtualLink: null,
    }));
    for (const event of events) await app.deps.events.insert(event);
    for (const [i, event] of events.entries()) {
      await app.deps.discovery.scores.record(event._id, 40 - i, now);
      if (i % 3 === 0) await goes(app, friends[i % 2]!, event._id);
    }
    await app.deps.discovery.trendingWarmer.runOnce();
  });
  after(() => app.stop());

  async function cost(name: string, first: number) {
    const variables = { q: word, near: place, first };
    commands.length = 0;
    const graphBefore = await graphQueries(app);
    const result = await app.gql<Record<string, { edges: { node: { friendsGoing: { count: number } } }[] }>>(QUERIES[name]!, variables, viewer);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const edges = result.data![name]!.edges;
    assert.equal(edges.length, first, `${name} returned ${edges.length}`);
    assert.ok(edges.some((edge) => edge.node.friendsGoing.count > 0), `${name}: some friends go`);
    return { store: [...commands], graph: (await graphQueries(app)) - graphBefore };
  }

  for (const name of Object.keys(QUERIES)) {
    it(`${name}: the same store round trips for 5 or 20 events, a handful, and at most one graph query`, async () => {
      // The first call fills caches (recommendations; categories are kept per instance).
      await cost(name, 20);
      const small = await cost(name, 5);
      const large = await cost(name, 20);
      assert.equal(small.store.length, large.store.length, `5: ${small.store.join(', ')}; 20: ${large.store.join(', ')}`);
      assert.ok(large.store.length <= 6, `${large.store.length}: ${large.store.join(', ')}`);
      assert.ok(large.graph <= 1, `${large.graph} graph queries`);
    });
  }

  it('recommendedEvents computed afresh: also a handful of store round trips and one graph query', async () => {
    await app.deps.discovery.recommendations.drop(viewer);
    const fresh = await cost('recommendedEvents', 20);
    assert.ok(fresh.store.length <= 10, `${fresh.store.length}: ${fresh.store.join(', ')}`);
    assert.equal(fresh.graph, 1);
  });
});
