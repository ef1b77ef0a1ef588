import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecommendationList } from '../../src/domain/discovery/recommendation-list.js';
import { TOPICS } from '../../src/domain/messaging/cloud-event.js';
import { FriendshipCreated } from '../../src/domain/messaging/consumed-messages.js';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { contractEvent, publishEvents } from '../support/messages.js';
import { befriend } from '../support/seed.js';
import { createAt, goes, lonelyPlace, offset, profile, recommendations, recommendedIds } from './support.js';

const cacheCount = async (app: TestApp, kind: 'cacheHits' | 'cacheMisses') =>
  (await app.deps.metrics[kind].get()).values.find((value) => value.labels.cache === 'recommendations')?.value ?? 0;

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`recommendedEvents (${mode} stores, consumers on)`, () => {
    let app: TestApp;
    const viewer = uniqueUser('viewer');
    const host = uniqueUser('host');
    const friends = [uniqueUser('f1'), uniqueUser('f2'), uniqueUser('f3'), uniqueUser('f4')];
    const home = lonelyPlace();
    const ids = { friends: '', near: '', popular: '', plain: '', answered: '', hosted: '', interest: '' };

    before(async () => {
      app = await startTestApp({ mode, env: { CONSUMERS_ENABLED: 'true' } });
      await profile(app, viewer, { location: { latitude: home.lat, longitude: home.lng }, interests: ['Music', 'board games'] });
      const far = offset(home, 200);
      ids.friends = await createAt(app, host, far, { categoryId: 'music' });
      ids.near = await createAt(app, host, offset(home, 2.5), { categoryId: 'food', tags: [] });
      ids.popular = await createAt(app, host, far, { categoryId: 'food', tags: [] });
      ids.plain = await createAt(app, host, far, { categoryId: 'food', tags: [] });
      ids.answered = await createAt(app, host, offset(home, 1), { categoryId: 'music' });
      ids.hosted = await createAt(app, viewer, offset(home, 1), { categoryId: 'music' });
      ids.interest = await createAt(app, host, far, { categoryId: 'sports', tags: ['board-games'] });
      for (const friend of friends) {
        await befriend(app, viewer, friend);
        await goes(app, friend, ids.friends);
      }
      for (let i = 0; i < 12; i++) await goes(app, uniqueUser('crowd'), ids.popular, 'INTERESTED');
      await goes(app, viewer, ids.answered, 'INTERESTED');
      // The discovery consumer drops the viewer's cached list when it takes this answer, then
      // scores the event: once scored, no late drop can empty a list the tests cache.
      await eventually(async () => assert.ok((await app.deps.events.findRanked(ids.answered))?.trend), {
        what: "the discovery consumer to take the viewer's answer",
      });
    });
    after(() => app.stop());

    it('refuses anonymous callers', async () => {
      const result = await recommendations(app);
      assert.equal(result.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(result.data, null);
    });

    it('scores friends going × 2 + popularity × 0.1 plus interests and closeness, and says why', async () => {
      const result = await recommendations(app, viewer);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const edges = result.data!.recommendedEvents.edges;
      assert.deepEqual(edges.map((edge) => edge.node.id), [ids.friends, ids.near, ids.interest, ids.popular]);
      const [friendsEdge, nearEdge, interestEdge, popularEdge] = edges;
      assert.equal(friendsEdge!.score, 4 * 2 + 4 * 0.1 + 1.5);
      assert.deepEqual(friendsEdge!.reasons.map((reason) => reason.kind), ['FRIENDS_GOING', 'MATCHES_INTEREST']);
      assert.equal(friendsEdge!.reasons[0]!.count, 4);
      assert.equal(friendsEdge!.reasons[0]!.friends.length, 3);
      assert.ok(friendsEdge!.reasons[0]!.friends.every((friend) => friends.includes(friend.id)));
      assert.equal(friendsEdge!.reasons[1]!.interest, 'music');
      assert.deepEqual(nearEdge!.reasons.map((reason) => [reason.kind, Math.round(reason.distanceKm ?? 0)]), [['NEARBY', 3]]);
      assert.deepEqual(interestEdge!.reasons.map((reason) => [reason.kind, reason.interest]), [['MATCHES_INTEREST', 'board games']]);
      assert.deepEqual(popularEdge!.reasons.map((reason) => [reason.kind, reason.count]), [['POPULAR', 12]]);
      assert.equal(popularEdge!.score, 1.2);
      for (const left of [ids.plain, ids.answered, ids.hosted]) assert.ok(!edges.some((edge) => edge.node.id === left));
    });

    it('pages by score with cursors', async () => {
      const first = (await recommendations(app, viewer, 2)).data!.recommendedEvents;
      assert.equal(first.pageInfo.hasNextPage, true);
      const rest = await app.gql<{ recommendedEvents: { edges: { node: { id: string } }[] } }>(
        'query($after: String) { recommendedEvents(first: 10, after: $after) { edges { node { id } } } }',
        { after: first.pageInfo.endCursor },
        viewer,
      );
      assert.deepEqual([...first.edges, ...rest.data!.recommendedEvents.edges].map((edge) => edge.node.id), [ids.friends, ids.near, ids.interest, ids.popular]);
    });

    it('serves a viewer from their cache, never shows what they answered since, and drops the cache when they answer', async () => {
      const hits = await cacheCount(app, 'cacheHits');
      const listed = await recommendedIds(app, viewer);
      assert.equal(await cacheCount(app, 'cacheHits'), hits + 1);
      const cache = app.deps.discovery.recommendations;
      const cached = (await cache.get(viewer))!;
      assert.deepEqual(cached.all().map((item) => item.eventId), listed);

      // A list cached before an answer: the answered event is left out when read.
      await cache.set(viewer, RecommendationList.of([{ eventId: ids.answered, score: 99, reasons: [] }, ...cached.all()]));
      assert.deepEqual(await recommendedIds(app, viewer), listed);

      assert.equal((await answer(app, ids.near, viewer, 'GOING')).errors, undefined);
      await eventually(async () => assert.equal(await app.deps.kv.get(cache.key(viewer)), null), {
        what: "the answer's domain event to drop the cache",
        timeoutMs: 30_000,
      });
      assert.ok(!(await recommendedIds(app, viewer)).includes(ids.near));
    });

    it('drops the cache when a friendship of the viewer changes, and counts the new friend', async () => {
      await recommendedIds(app, viewer);
      const newFriend = uniqueUser('newfriend');
      await goes(app, newFriend, ids.plain);
      await app.deps.graph.addFriendship(viewer, newFriend, new Date());
      assert.ok(!(await recommendedIds(app, viewer)).includes(ids.plain), 'still the cached list');
      await publishEvents(app.deps.bus, TOPICS.friendships, [contractEvent(FriendshipCreated, newFriend, { userId: newFriend, friendId: viewer })]);
      await eventually(async () => assert.ok((await recommendedIds(app, viewer)).includes(ids.plain)), {
        what: "the new friend's event to be recommended",
        timeoutMs: 30_000,
      });
    });
  });
}
