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

    it('adds many friendships at once, each pair once whichever way round, and refuses a batch with oneself', async () => {
      const users = ids('user', 30);
      const pairs: [string, string][] = [];
      for (let i = 0; i < users.length; i++) for (let j = 1; j <= 3; j++) pairs.push([users[i]!, users[(i + j) % users.length]!]);
      pairs.push([users[1]!, users[0]!], [users[0]!, users[1]!]);
      await graph.addFriendships(pairs, since);
      const friends = await graph.friendIdsOf(users);
      for (const [i, user] of users.entries()) {
        const expected = [-3, -2, -1, 1, 2, 3].map((offset) => users[(i + offset + users.length) % users.length]!);
        assert.deepEqual(sorted(friends.get(user)), sorted(expected), user);
      }
      const [ann, bob] = ids('user', 2) as [string, string];
      await assert.rejects(graph.addFriendships([[ann, bob], [bob, bob]], since));
      assert.equal(await graph.areFriends(ann, bob), false, 'nothing of a refused batch is written');
      await graph.addFriendships([], since);
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

    it('decides a pair by the newest message time, whatever order the messages arrive in', async () => {
      const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
      const cases = [
        { label: 'newer deletion processed first', steps: [[false, 2], [true, 1]], friends: false },
        { label: 'newer creation processed first', steps: [[true, 2], [false, 1]], friends: true },
        { label: 'in order, ending last', steps: [[true, 1], [false, 2]], friends: false },
        { label: 'in order, renewed last', steps: [[true, 1], [false, 2], [true, 3]], friends: true },
        { label: 'same time, creation first', steps: [[true, 1], [false, 1]], friends: false },
        { label: 'same time, deletion first', steps: [[false, 1], [true, 1]], friends: false },
      ] as const;
      for (const { label, steps, friends } of cases) {
        const [ann, bob] = ids('user', 2) as [string, string];
        for (const [index, [befriend, minute]] of steps.entries()) {
          // Alternate sides: either user may create or end the friendship.
          const [from, to] = index % 2 === 0 ? [ann, bob] : [bob, ann];
          await graph.setFriendship(from, to, { friends: befriend, at: at(minute) });
        }
        assert.equal(await graph.areFriends(ann, bob), friends, label);
        assert.deepEqual((await graph.friendIdsOf([bob])).get(bob), friends ? [ann] : [], label);
      }
    });

    it('reports whether a decision changed the pair, so a redelivery changes nothing', async () => {
      const [ann, bob] = ids('user', 2) as [string, string];
      const at = new Date('2025-01-01T12:00:00Z');
      assert.equal(await graph.setFriendship(ann, bob, { friends: true, at }), true);
      assert.equal(await graph.setFriendship(bob, ann, { friends: true, at }), false);
      assert.equal(await graph.setFriendship(ann, bob, { friends: false, at: new Date(at.getTime() - 1) }), false);
      assert.equal(await graph.areFriends(ann, bob), true);
      assert.equal(await graph.setFriendship(bob, ann, { friends: false, at: new Date(at.getTime() + 1) }), true);
      assert.equal(await graph.areFriends(ann, bob), false);
      await assert.rejects(graph.setFriendship(ann, ann, { friends: true, at }));
    });

    it('ends with the newest decision when decisions for one pair arrive concurrently', async () => {
      for (const newestBefriends of [true, false]) {
        const [ann, bob] = ids('user', 2) as [string, string];
        const base = Date.UTC(2025, 0, 1);
        // 20 decisions alternating friends / not, the newest one last in time but not in issue order.
        const decisions = Array.from({ length: 20 }, (_, i) => ({ friends: (i % 2 === 0) === newestBefriends, at: new Date(base + (19 - i) * 1000) }));
        await Promise.all(decisions.map((decision, i) => (i % 2 === 0 ? graph.setFriendship(ann, bob, decision) : graph.setFriendship(bob, ann, decision))));
        assert.equal(await graph.areFriends(ann, bob), newestBefriends);
        assert.deepEqual((await graph.friendIdsOf([ann])).get(ann), newestBefriends ? [bob] : []);
      }
    });

    it('forgets ended friendships decided before the cut-off, and only those', async () => {
      const [ann, bob, cat, dan] = ids('user', 4) as [string, string, string, string];
      const old = new Date('1999-06-01T00:00:00Z');
      const recent = new Date('2000-06-01T00:00:00Z');
      await graph.setFriendship(ann, bob, { friends: false, at: old });
      await graph.setFriendship(cat, dan, { friends: false, at: recent });
      await graph.setFriendship(ann, cat, { friends: true, at: old });

      // Other suites share the graph and prune too: what counts is what is left.
      await graph.pruneEndedFriendships(new Date('2000-01-01T00:00:00Z'));

      // The pruned pair no longer remembers its ending; the kept one still does.
      const older = new Date('1999-01-01T00:00:00Z');
      assert.equal(await graph.setFriendship(ann, bob, { friends: true, at: older }), true);
      assert.equal(await graph.setFriendship(cat, dan, { friends: true, at: older }), false);
      assert.equal(await graph.areFriends(cat, dan), false);
      assert.equal(await graph.areFriends(ann, cat), true);
    });

    it('a direct add or removal forgets the time that decided the pair', async () => {
      const [ann, bob] = ids('user', 2) as [string, string];
      await graph.setFriendship(ann, bob, { friends: false, at: new Date('2025-01-02T00:00:00Z') });
      await graph.addFriendship(bob, ann, since);
      assert.equal(await graph.areFriends(ann, bob), true);
      await graph.removeFriendship(ann, bob);
      assert.equal(await graph.setFriendship(ann, bob, { friends: true, at: new Date('2025-01-01T00:00:00Z') }), true);
      assert.equal(await graph.areFriends(bob, ann), true);
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

    it("tells a user's friends and which of them answered the given events, in one call", async () => {
      const [me, friendA, friendB, stranger, loner] = ids('user', 5) as [string, string, string, string, string];
      const [party, talk, quiet] = ids('event', 3) as [string, string, string];
      const at = new Date();
      await graph.addFriendship(me, friendA, since);
      await graph.addFriendship(friendB, me, since);
      await graph.setRsvp(friendA, party, 'GOING', at);
      await graph.setRsvp(friendB, party, 'GOING', at);
      await graph.setRsvp(stranger, party, 'GOING', at);
      await graph.setRsvp(friendA, talk, 'MAYBE', at);

      const answers = await graph.friendsAnswers(me, 'GOING', { eventIds: [party, talk, quiet, party] });
      assert.deepEqual(sorted(answers.friendIds), sorted([friendA, friendB]));
      assert.deepEqual(sorted(answers.byEvent.get(party)), sorted([friendA, friendB]));
      assert.deepEqual(answers.byEvent.get(talk), []);
      assert.deepEqual(answers.byEvent.get(quiet), []);
      assert.equal(answers.byEvent.size, 3);

      const none = await graph.friendsAnswers(loner, 'GOING', { eventIds: [party] });
      assert.deepEqual(none.friendIds, []);
      assert.deepEqual(none.byEvent.get(party), []);
      assert.deepEqual((await graph.friendsAnswers(me, 'GOING', { eventIds: [] })).byEvent, new Map());
    });

    it("lists the events friends answered most recently, skipping those the user answered, at most the limit", async () => {
      const [me, a, b, c, stranger] = ids('user', 5) as [string, string, string, string, string];
      const [older, newer, newest, mine, lonely] = ids('event', 5) as [string, string, string, string, string];
      for (const friend of [a, b, c]) await graph.addFriendship(me, friend, since);
      const at = (minutes: number) => new Date(Date.UTC(2030, 0, 1, 12, minutes));
      for (const friend of [a, b, c]) await graph.setRsvp(friend, older, 'GOING', at(1));
      await graph.setRsvp(a, newer, 'GOING', at(2));
      await graph.setRsvp(b, newer, 'GOING', at(4));
      await graph.setRsvp(c, newest, 'GOING', at(5));
      await graph.setRsvp(c, newest, 'GOING', at(6));
      await graph.setRsvp(a, mine, 'GOING', at(7));
      await graph.setRsvp(me, mine, 'INTERESTED', at(8));
      await graph.setRsvp(stranger, lonely, 'GOING', at(9));
      await graph.setRsvp(a, lonely, 'MAYBE', at(9));

      const recent = await graph.friendsAnswers(me, 'GOING', { mostRecent: 10 });
      assert.deepEqual(sorted(recent.friendIds), sorted([a, b, c]));
      assert.deepEqual([...recent.byEvent.keys()], [newest, newer, older]);
      assert.deepEqual(sorted(recent.byEvent.get(older)), sorted([a, b, c]));
      assert.deepEqual(sorted(recent.byEvent.get(newer)), sorted([a, b]));
      assert.deepEqual(recent.byEvent.get(newest), [c]);

      const limited = await graph.friendsAnswers(me, 'GOING', { mostRecent: 2 });
      assert.deepEqual([...limited.byEvent.keys()], [newest, newer]);
      const nobody = await graph.friendsAnswers(ids('user', 1)[0]!, 'GOING', { mostRecent: 5 });
      assert.deepEqual(nobody, { friendIds: [], byEvent: new Map() });
    });

    it('sets many answers at once, the last one per (user, event) winning', async () => {
      const [me, a, b] = ids('user', 3) as [string, string, string];
      const events = ids('event', 3);
      await graph.addFriendships([[me, a], [me, b]], since);
      const at = new Date();
      await graph.setRsvps([
        ...events.map((eventId) => ({ userId: a, eventId, status: 'GOING' as const, at })),
        { userId: b, eventId: events[0]!, status: 'INTERESTED', at },
        { userId: b, eventId: events[0]!, status: 'GOING', at },
      ]);
      const going = await graph.friendsWithRsvp(me, events, 'GOING');
      assert.deepEqual(sorted(going.get(events[0]!)), sorted([a, b]));
      assert.deepEqual(going.get(events[2]!), [a]);
      await graph.setRsvps([]);
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
