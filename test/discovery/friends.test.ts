import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { befriend } from '../support/seed.js';
import { createAt, goes, graphQueries, lonelyPlace, profile } from './support.js';

/** A birthday `days` from today (UTC), born in `year`. */
function birthdayIn(days: number, year: number): string {
  return `${year}-${new Date(Date.now() + days * 86_400_000).toISOString().slice(5, 10)}`;
}

interface FriendsGoingView {
  count: number;
  friends: { id: string }[];
}

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`friends in discovery (${mode} stores)`, () => {
    let app: TestApp;
    const viewer = uniqueUser('viewer');
    const host = uniqueUser('host');

    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    it("counts the viewer's friends going and names the first few, in a stable order", async () => {
      const eventId = await createAt(app, host, lonelyPlace());
      const friends = Array.from({ length: 5 }, () => uniqueUser('friend'));
      for (const friend of friends) {
        await befriend(app, viewer, friend);
        await goes(app, friend, eventId);
      }
      await goes(app, uniqueUser('stranger'), eventId);
      const interested = uniqueUser('friend');
      await befriend(app, viewer, interested);
      await goes(app, interested, eventId, 'INTERESTED');

      const query = 'query($id: ID!, $first: Int) { event(id: $id) { friendsGoing(first: $first) { count friends { id } } } }';
      const read = (first: number | null, as?: string) => app.gql<{ event: { friendsGoing: FriendsGoingView } }>(query, { id: eventId, first }, as);
      assert.deepEqual((await read(2, viewer)).data!.event.friendsGoing, { count: 5, friends: [...friends].sort().slice(0, 2).map((id) => ({ id })) });
      assert.deepEqual((await read(null, viewer)).data!.event.friendsGoing.friends.length, 3);
      assert.deepEqual((await read(0, viewer)).data!.event.friendsGoing, { count: 5, friends: [] });
      assert.deepEqual((await read(3)).data!.event.friendsGoing, { count: 0, friends: [] }, 'anonymous');
      assert.deepEqual((await read(3, host)).data!.event.friendsGoing, { count: 0, friends: [] }, 'someone with no friends there');
      const tooMany = await read(21, viewer);
      assert.equal(tooMany.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(tooMany.errors?.[0]?.extensions?.field, 'first');
    });

    it('answers friends going for a whole list at once', async () => {
      const listHost = uniqueUser('listhost');
      const friend = uniqueUser('friend');
      await befriend(app, viewer, friend);
      const ids = [];
      for (let i = 0; i < 12; i++) ids.push(await createAt(app, listHost, lonelyPlace()));
      for (const id of ids.slice(0, 5)) await goes(app, friend, id);
      const query = 'query($h: ID!) { events(filter: { hostId: $h }, first: 50) { edges { node { id friendsGoing { count } } } } }';
      const before = mode === 'real' ? await graphQueries(app) : 0;
      const result = await app.gql<{ events: { edges: { node: { id: string; friendsGoing: { count: number } } }[] } }>(query, { h: listHost }, viewer);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const counts = new Map(result.data!.events.edges.map((edge) => [edge.node.id, edge.node.friendsGoing.count]));
      assert.deepEqual(ids.map((id) => counts.get(id)), ids.map((_, i) => (i < 5 ? 1 : 0)));
      // The viewer's friends (for privacy) and friends going (for the whole list): one query each.
      if (mode === 'real') assert.ok((await graphQueries(app)) - before <= 2, `${(await graphQueries(app)) - before} graph queries`);
    });

    it('lists friends with a birthday in the window, soonest first, without the year of birth', async () => {
      const me = uniqueUser('me');
      const [today, soon, later, none, gone] = ['today', 'soon', 'later', 'none', 'gone'].map((label) => uniqueUser(label)) as [string, string, string, string, string];
      const stranger = uniqueUser('stranger');
      await profile(app, today, { birthday: birthdayIn(0, 1991) });
      await profile(app, soon, { birthday: birthdayIn(3, 1985) });
      await profile(app, later, { birthday: birthdayIn(10, 2000) });
      await profile(app, none, { birthday: null });
      await profile(app, gone, { birthday: birthdayIn(1, 1970) });
      await app.deps.users.applyDeletion(gone, new Date(Date.now() + 1_000));
      await profile(app, stranger, { birthday: birthdayIn(0, 1980) });
      for (const friend of [today, soon, later, none, gone]) await befriend(app, me, friend);

      const query = 'query($d: Int) { friendsBirthdays(withinDays: $d) { user { id } month day nextOn inDays } }';
      const week = await app.gql<{ friendsBirthdays: { user: { id: string }; month: number; day: number; nextOn: string; inDays: number }[] }>(query, { d: null }, me);
      assert.equal(week.errors, undefined, JSON.stringify(week.errors));
      assert.deepEqual(week.data!.friendsBirthdays.map((birthday) => [birthday.user.id, birthday.inDays]), [[today, 0], [soon, 3]]);
      const todays = week.data!.friendsBirthdays[0]!;
      assert.deepEqual([todays.month, todays.day, todays.nextOn], [Number(birthdayIn(0, 1991).slice(5, 7)), Number(birthdayIn(0, 1991).slice(8, 10)), new Date().toISOString().slice(0, 10)]);
      assert.ok(!JSON.stringify(week.data).includes('1991') && !JSON.stringify(week.data).includes('1985'), 'no year of birth');

      const longer = await app.gql<{ friendsBirthdays: { user: { id: string } }[] }>(query, { d: 11 }, me);
      assert.deepEqual(longer.data!.friendsBirthdays.map((birthday) => birthday.user.id), [today, soon, later]);
      const todayOnly = await app.gql<{ friendsBirthdays: { user: { id: string } }[] }>(query, { d: 1 }, me);
      assert.deepEqual(todayOnly.data!.friendsBirthdays.map((birthday) => birthday.user.id), [today]);

      for (const days of [0, 61]) {
        const refused = await app.gql(query, { d: days }, me);
        assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
        assert.equal(refused.errors?.[0]?.extensions?.field, 'withinDays');
      }
      assert.equal((await app.gql(query, {})).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    });
  });
}
