import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { overwriteEvent } from '../support/events.js';
import { createAt, locationAt, lonelyPlace, nearby, nearbyIds, offset, type Place } from './support.js';

const HOUR = 3600_000;

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`nearbyEvents (${mode} stores)`, () => {
    let app: TestApp;
    const host = uniqueUser('host');

    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_SEARCH_PER_HOUR: '10000' } });
    });
    after(() => app.stop());

    it('returns events within the radius, nearest first, each with its distance', async () => {
      const place = lonelyPlace();
      const three = await createAt(app, host, offset(place, 3));
      const one = await createAt(app, host, offset(place, 1, true));
      const two = await createAt(app, host, offset(place, -2));
      await createAt(app, host, offset(place, 12));
      const result = await nearby(app, place, 5);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const edges = result.data!.nearbyEvents.edges;
      assert.deepEqual(edges.map((edge) => edge.node.id), [one, two, three]);
      for (const [edge, km] of edges.map((edge, i) => [edge, [1, 2, 3][i]!] as const)) assert.ok(Math.abs(edge.distanceKm - km) < 0.02, `${edge.distanceKm} ≠ ${km}`);
      assert.equal(result.data!.nearbyEvents.totalCount, 3);
      assert.deepEqual(await nearbyIds(app, place, 12.5), [one, two, three, (await nearbyIds(app, offset(place, 12), 0.5))[0]!]);
    });

    it('finds events across the antimeridian', async () => {
      const west: Place = { lat: -17.5 + Math.random(), lng: 179.98 };
      const east = { lat: west.lat, lng: -179.97 };
      const acrossWest = await createAt(app, host, west);
      const acrossEast = await createAt(app, host, east);
      const fromEast = await nearby(app, { lat: west.lat, lng: -179.99 }, 10);
      assert.deepEqual(fromEast.data!.nearbyEvents.edges.map((edge) => edge.node.id), [acrossEast, acrossWest]);
      assert.ok(fromEast.data!.nearbyEvents.edges[1]!.distanceKm < 4, 'measured across the antimeridian, not around the globe');
      assert.deepEqual(await nearbyIds(app, west, 10), [acrossWest, acrossEast]);
    });

    it('finds events near the poles, across meridians', async () => {
      const north = { lat: 89.95, lng: -150 + Math.random() };
      const facing = await createAt(app, host, { lat: 89.96, lng: north.lng + 180 });
      const beside = await createAt(app, host, { lat: 89.9, lng: north.lng });
      const result = await nearby(app, north, 20);
      assert.deepEqual(result.data!.nearbyEvents.edges.map((edge) => edge.node.id), [beside, facing]);
      const south = { lat: -89.99, lng: 10 + Math.random() };
      const atSouthPole = await createAt(app, host, { lat: -90, lng: 0 });
      assert.deepEqual(await nearbyIds(app, south, 5), [atSouthPole]);
    });

    it('leaves out online-only events, events that have ended and cancelled ones', async () => {
      const place = lonelyPlace();
      const hybrid = await createAt(app, host, place, { virtualLink: 'https://meet.example.com/hybrid' });
      await createAt(app, host, null);
      const ended = await createAt(app, host, offset(place, 0.2));
      await overwriteEvent(app, ended, { $set: { startsAt: new Date(Date.now() - 5 * HOUR), endsAt: new Date(Date.now() - HOUR) } });
      const ongoing = await createAt(app, host, offset(place, 0.3));
      await overwriteEvent(app, ongoing, { $set: { startsAt: new Date(Date.now() - HOUR), endsAt: new Date(Date.now() + HOUR) } });
      const cancelled = await createAt(app, host, offset(place, 0.4));
      await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: cancelled }, host);
      assert.deepEqual(await nearbyIds(app, place, 1), [hybrid, ongoing]);
    });

    it('follows an event whose venue moves', async () => {
      const [here, there] = [lonelyPlace(), lonelyPlace()];
      const id = await createAt(app, host, here);
      assert.deepEqual(await nearbyIds(app, here, 1), [id]);
      const moved = await app.gql('mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }', { id, input: { location: locationAt(there) } }, host);
      assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
      assert.deepEqual(await nearbyIds(app, here, 1), []);
      assert.deepEqual(await nearbyIds(app, there, 1), [id]);
    });

    it('narrows by the filter of events and pages with cursors', async () => {
      const place = lonelyPlace();
      const music = [];
      for (let i = 1; i <= 5; i++) music.push(await createAt(app, host, offset(place, i * 0.5), { categoryId: 'music' }));
      await createAt(app, host, offset(place, 0.1), { categoryId: 'food' });
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await nearby(app, place, 10, undefined, 2, after, { categoryId: 'music' });
        seen.push(...result.data!.nearbyEvents.edges.map((edge) => edge.node.id));
        if (!result.data!.nearbyEvents.pageInfo.hasNextPage) break;
        after = result.data!.nearbyEvents.pageInfo.endCursor;
      }
      assert.deepEqual(seen, music);
    });

    it('refuses radii outside 0.1–500 km and coordinates off the globe, naming the field', async () => {
      for (const [near, radius, field] of [
        [{ lat: 10, lng: 10 }, 0.05, 'radiusKm'],
        [{ lat: 10, lng: 10 }, 500.1, 'radiusKm'],
        [{ lat: -90.5, lng: 10 }, 5, 'near.lat'],
        [{ lat: 10, lng: 181 }, 5, 'near.lng'],
      ] as const) {
        const result = await nearby(app, near, radius);
        assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
        assert.equal(result.errors?.[0]?.extensions?.field, field);
      }
      assert.equal((await nearby(app, { lat: 90, lng: -180 }, 500)).errors, undefined);
      assert.equal((await nearby(app, { lat: 0, lng: 0 }, 0.1)).errors, undefined);
    });
  });
}
