import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { befriend } from '../support/seed.js';
import {
  createAt,
  goes,
  inviteThenUnfriend,
  lonelyPlace,
  nearbyIds,
  offset,
  recommendations,
  searchIds,
  sorted,
  trendingIds,
  uniqueWord,
} from './support.js';

/**
 * A FRIENDS or PRIVATE event is never returned, counted or hinted at to someone who may
 * not see it, on any discovery path. The same three events — PUBLIC, FRIENDS, PRIVATE,
 * same host — seen by a stranger, the host's friend, and an invitee of the PRIVATE one
 * who is not the host's friend (and anonymously).
 */
for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`discovery privacy (${mode} stores)`, () => {
    let app: TestApp;
    const host = uniqueUser('host');
    const stranger = uniqueUser('stranger');
    const friend = uniqueUser('friend');
    const invitee = uniqueUser('invitee');
    /** A friend of all three viewers, going to all three events. */
    const goer = uniqueUser('goer');
    const word = uniqueWord();
    const place = lonelyPlace();
    let ids: { public: string; friends: string; private: string };

    before(async () => {
      app = await startTestApp({ mode });
      const make = (privacy: string, km: number) => createAt(app, host, offset(place, km), { title: `${word} ${privacy.toLowerCase()} party`, privacy, categoryId: 'learning' });
      ids = { public: await make('PUBLIC', 0.5), friends: await make('FRIENDS', 1), private: await make('PRIVATE', 1.5) };
      await befriend(app, host, friend);
      await inviteThenUnfriend(app, host, invitee, ids.private);
      for (const viewer of [stranger, friend, invitee]) await befriend(app, goer, viewer);
      for (const id of Object.values(ids)) {
        await goes(app, goer, id);
        await app.deps.discovery.scores.record(id, 10, new Date());
      }
    });
    after(() => app.stop());

    const expected = () => ({
      anonymous: [ids.public],
      stranger: [ids.public],
      friend: [ids.public, ids.friends],
      invitee: [ids.public, ids.private],
    });
    const viewers = () => ({ anonymous: undefined, stranger, friend, invitee });

    async function eachViewer(read: (viewer: string | undefined) => Promise<string[]>) {
      for (const [name, viewer] of Object.entries(viewers())) {
        assert.deepEqual(sorted(await read(viewer)), sorted(expected()[name as keyof ReturnType<typeof expected>]), `as ${name}`);
      }
    }

    it('search returns and counts only what each viewer may see', async () => {
      await eachViewer((viewer) => searchIds(app, word, viewer));
      await eachViewer((viewer) => searchIds(app, `${word} part`, viewer, { near: place, radiusKm: 5 }));
    });

    it('nearby returns and counts only what each viewer may see', async () => {
      await eachViewer((viewer) => nearbyIds(app, place, 5, viewer));
    });

    it('trending returns and counts only what each viewer may see, from Redis and from the store', async () => {
      await eachViewer((viewer) => trendingIds(app, viewer));
      await eachViewer((viewer) => trendingIds(app, viewer, { category: 'learning', near: place, r: 10 }));
      // Without the board (as after a Redis flush) the store answers, with the same rules.
      await app.deps.kv.delete('trending:built');
      await eachViewer((viewer) => trendingIds(app, viewer));
    });

    it('recommendations offer only events the viewer may see, and no reason mentions the others', async () => {
      const result = await recommendations(app);
      assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      for (const [name, viewer] of Object.entries(viewers())) {
        if (!viewer) continue;
        const edges = (await recommendations(app, viewer)).data!.recommendedEvents.edges;
        assert.deepEqual(sorted(edges.map((edge) => edge.node.id)), sorted(expected()[name as 'stranger']), `as ${name}`);
        for (const edge of edges) {
          const friendsGoing = edge.reasons.find((reason) => reason.kind === 'FRIENDS_GOING');
          assert.deepEqual(friendsGoing && { count: friendsGoing.count, friends: friendsGoing.friends }, { count: 1, friends: [{ id: goer }] }, `as ${name}`);
        }
        // Asked again, from the cache: the same.
        const cached = (await recommendations(app, viewer)).data!.recommendedEvents.edges;
        assert.deepEqual(cached.map((edge) => edge.node.id), edges.map((edge) => edge.node.id));
      }
    });

    it("friends going is read only on events the viewer sees, and counts the viewer's friends there", async () => {
      const query = `query($id: ID!) { event(id: $id) { id friendsGoing(first: 5) { count friends { id } } } }`;
      for (const [name, viewer] of Object.entries(viewers())) {
        for (const id of Object.values(ids)) {
          const result = await app.gql<{ event: { id: string; friendsGoing: { count: number; friends: { id: string }[] } } | null }>(query, { id }, viewer);
          assert.equal(result.errors, undefined, JSON.stringify(result.errors));
          const visible = expected()[name as 'stranger'].includes(id);
          if (!visible) assert.equal(result.data!.event, null, `${name} must not see ${id}`);
          else assert.deepEqual(result.data!.event!.friendsGoing, viewer ? { count: 1, friends: [{ id: goer }] } : { count: 0, friends: [] }, `as ${name}`);
        }
      }
    });

    it('category counts count upcoming PUBLIC events only, the same for every viewer', async () => {
      await app.deps.discovery.categoryCounts.refresh();
      for (const viewer of Object.values(viewers())) {
        const result = await app.gql<{ categories: { id: string; upcomingEventCount: number }[] }>('{ categories { id upcomingEventCount } }', {}, viewer);
        assert.equal(result.data!.categories.find((category) => category.id === 'learning')?.upcomingEventCount, 1);
      }
    });
  });
}
