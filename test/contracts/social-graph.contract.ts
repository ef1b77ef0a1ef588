import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { SocialGraph } from '../../src/datasources/social-graph.js';

/** Behaviour every SocialGraph must share; tests use fresh ids, so they never see each other's data. */
export function socialGraphContract(name: string, create: () => Promise<SocialGraph>) {
  describe(`SocialGraph contract: ${name}`, () => {
    let graph: SocialGraph;
    const since = new Date('2024-01-01T00:00:00Z');
    const ids = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => `${prefix}-${i}-${randomUUID()}`);
    const sorted = (values: string[] | undefined) => [...(values ?? [])].sort();

    before(async () => {
      graph = await create();
    });
    after(async () => {
      await graph?.close();
    });

    it('answers ping', async () => {
      await graph.ping();
    });

    it('makes a friendship mutual, and adding it again (either way round) changes nothing', async () => {
      const [ann, bob] = ids('user', 2) as [string, string];
      await graph.addFriendship(ann, bob, since);
      await graph.addFriendship(ann, bob, since);
      await graph.addFriendship(bob, ann, new Date());

      assert.equal(await graph.areFriends(ann, bob), true);
      assert.equal(await graph.areFriends(bob, ann), true);
      const friends = await graph.friendIdsOf([ann, bob]);
      assert.deepEqual(friends.get(ann), [bob]);
      assert.deepEqual(friends.get(bob), [ann]);
    });

    it('refuses a friendship with oneself', async () => {
      const [ann] = ids('user', 1) as [string];
      await assert.rejects(graph.addFriendship(ann, ann, since));
      assert.equal(await graph.areFriends(ann, ann), false);
    });

    it('looks up the friends of many users at once, with [] for users without friends', async () => {
      const [ann, bob, cat, dan, loner] = ids('user', 5) as [string, string, string, string, string];
      await graph.addFriendship(ann, bob, since);
      await graph.addFriendship(ann, cat, since);
      await graph.addFriendship(dan, bob, since);

      const friends = await graph.friendIdsOf([ann, bob, cat, dan, loner, ann]);
      assert.deepEqual(sorted(friends.get(ann)), sorted([bob, cat]));
      assert.deepEqual(sorted(friends.get(bob)), sorted([ann, dan]));
      assert.deepEqual(friends.get(cat), [ann]);
      assert.deepEqual(friends.get(dan), [bob]);
      assert.deepEqual(friends.get(loner), []);
      assert.equal(friends.size, 5);
      assert.deepEqual(await graph.friendIdsOf([]), new Map());
    });

    it('ends a friendship whichever side removes it, and removing it twice is harmless', async () => {
      const [ann, bob, cat] = ids('user', 3) as [string, string, string];
      await graph.addFriendship(ann, bob, since);
      await graph.addFriendship(ann, cat, since);

      await graph.removeFriendship(bob, ann);
      await graph.removeFriendship(bob, ann);
      assert.equal(await graph.areFriends(ann, bob), false);
      assert.equal(await graph.areFriends(bob, ann), false);
      const friends = await graph.friendIdsOf([ann, bob]);
      assert.deepEqual(friends.get(ann), [cat]);
      assert.deepEqual(friends.get(bob), []);

      await graph.addFriendship(bob, ann, since);
      assert.equal(await graph.areFriends(ann, bob), true);
    });

    it("finds which friends answered each event, ignoring strangers and other answers", async () => {
      const [me, friendA, friendB, stranger] = ids('user', 4) as [string, string, string, string];
      const [party, talk, empty] = ids('event', 3) as [string, string, string];
      const at = new Date();
      await graph.addFriendship(me, friendA, since);
      await graph.addFriendship(friendB, me, since);
      await graph.setRsvp(friendA, party, 'GOING', at);
      await graph.setRsvp(friendB, party, 'GOING', at);
      await graph.setRsvp(stranger, party, 'GOING', at);
      await graph.setRsvp(friendA, talk, 'MAYBE', at);
      await graph.setRsvp(friendB, talk, 'GOING', at);

      const going = await graph.friendsWithRsvp(me, [party, talk, empty], 'GOING');
      assert.deepEqual(sorted(going.get(party)), sorted([friendA, friendB]));
      assert.deepEqual(going.get(talk), [friendB]);
      assert.deepEqual(going.get(empty), []);
      assert.equal(going.size, 3);

      const maybe = await graph.friendsWithRsvp(me, [party, talk], 'MAYBE');
      assert.deepEqual(maybe.get(party), []);
      assert.deepEqual(maybe.get(talk), [friendA]);
    });

    it('keeps one answer per (user, event): a new status replaces the old, null removes it', async () => {
      const [me, friend] = ids('user', 2) as [string, string];
      const [event] = ids('event', 1) as [string];
      await graph.addFriendship(me, friend, since);

      await graph.setRsvp(friend, event, 'INTERESTED', new Date());
      await graph.setRsvp(friend, event, 'GOING', new Date());
      await graph.setRsvp(friend, event, 'GOING', new Date());
      assert.deepEqual((await graph.friendsWithRsvp(me, [event], 'GOING')).get(event), [friend]);
      assert.deepEqual((await graph.friendsWithRsvp(me, [event], 'INTERESTED')).get(event), []);

      await graph.setRsvp(friend, event, null, new Date());
      await graph.setRsvp(friend, event, null, new Date());
      assert.deepEqual((await graph.friendsWithRsvp(me, [event], 'GOING')).get(event), []);
    });

    it('forgets a removed user: no friendships and no answers remain', async () => {
      const [me, leaving, other] = ids('user', 3) as [string, string, string];
      const [event] = ids('event', 1) as [string];
      await graph.addFriendship(me, leaving, since);
      await graph.addFriendship(leaving, other, since);
      await graph.addFriendship(me, other, since);
      await graph.setRsvp(leaving, event, 'GOING', new Date());
      await graph.setRsvp(other, event, 'GOING', new Date());

      await graph.removeUser(leaving);
      await graph.removeUser(leaving);

      const friends = await graph.friendIdsOf([me, leaving, other]);
      assert.deepEqual(friends.get(me), [other]);
      assert.deepEqual(friends.get(leaving), []);
      assert.deepEqual(friends.get(other), [me]);
      assert.deepEqual((await graph.friendsWithRsvp(me, [event], 'GOING')).get(event), [other]);

      await graph.addFriendship(me, leaving, since);
      assert.equal(await graph.areFriends(me, leaving), true);
    });
  });
}
