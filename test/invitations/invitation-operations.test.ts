import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { answer, createEvent, overwriteEvent, statsOf } from '../support/events.js';
import { befriend } from '../support/seed.js';
import { invite, respond } from './support.js';

const EMPTY_STATS = { going: 0, interested: 0, maybe: 0, notGoing: 0, waitlisted: 0 };

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`invitations (${mode} stores)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_RSVP_PER_HOUR: '10000', RATE_LIMIT_INVITE_PER_HOUR: '10000' } });
    });
    after(() => app.stop());

    it('invites friends and skips the others with a reason', async () => {
      const host = uniqueUser('host');
      const [coHost, ann, bob, stranger, maybe] = ['cohost', 'ann', 'bob', 'stranger', 'maybe'].map(uniqueUser) as [string, string, string, string, string];
      const eventId = await createEvent(app, host);
      await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: coHost }, host);
      await befriend(app, host, coHost, ann, bob, maybe);
      await answer(app, eventId, maybe, 'MAYBE');

      const result = await invite(app, eventId, host, [ann, stranger, host, coHost, bob, maybe], '  Come along!  ');
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const { invited, skipped } = result.data!.inviteFriends;
      assert.deepEqual(
        invited.map((invitation) => [invitation.invitee.id, invitation.inviter.id, invitation.status, invitation.message, invitation.respondedAt]),
        [
          [ann, host, 'PENDING', 'Come along!', null],
          [bob, host, 'PENDING', 'Come along!', null],
        ],
      );
      assert.deepEqual(skipped, [
        { userId: stranger, reason: 'NOT_A_FRIEND' },
        { userId: host, reason: 'IS_SELF' },
        { userId: coHost, reason: 'IS_HOST_OR_COHOST' },
        { userId: maybe, reason: 'ALREADY_ANSWERED' },
      ]);

      // Pending already (whoever invited); answered once, never again.
      await befriend(app, coHost, ann, bob);
      const again = await invite(app, eventId, coHost, [ann, bob]);
      assert.deepEqual(again.data?.inviteFriends.skipped, [
        { userId: ann, reason: 'ALREADY_INVITED' },
        { userId: bob, reason: 'ALREADY_INVITED' },
      ]);
      await respond(app, invited[0]!.id, ann, false);
      const afterDecline = await invite(app, eventId, host, [ann]);
      assert.deepEqual(afterDecline.data?.inviteFriends, { invited: [], skipped: [{ userId: ann, reason: 'ALREADY_ANSWERED' }] });
    });

    it('checks userIds and message', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(app, host);
      const friend = uniqueUser('friend');
      const cases: [string[], string | null, string][] = [
        [[], null, 'userIds'],
        [[friend, friend], null, 'userIds'],
        [Array.from({ length: 51 }, () => uniqueUser('many')), null, 'userIds'],
        [[friend], 'x'.repeat(501), 'message'],
      ];
      for (const [userIds, message, field] of cases) {
        const result = await invite(app, eventId, host, userIds, message);
        assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${field}: ${JSON.stringify(result.errors)}`);
        assert.equal(result.errors?.[0]?.extensions?.field, field);
      }
      assert.equal((await invite(app, eventId, '', [friend])).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    });

    it('refuses cancelled and ended events with CONFLICT on eventId', async () => {
      const host = uniqueUser('host');
      const friend = uniqueUser('friend');
      await befriend(app, host, friend);
      const cancelled = await createEvent(app, host);
      await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: cancelled }, host);
      const ended = await createEvent(app, host);
      await overwriteEvent(app, ended, { $set: { startsAt: new Date(Date.now() - 7200_000), endsAt: new Date(Date.now() - 3600_000) } });
      for (const [eventId, pattern] of [[cancelled, /cancelled/], [ended, /ended/]] as const) {
        const result = await invite(app, eventId, host, [friend]);
        assert.equal(result.errors?.[0]?.extensions?.code, 'CONFLICT');
        assert.equal(result.errors?.[0]?.extensions?.field, 'eventId');
        assert.match(result.errors?.[0]?.message ?? '', pattern);
      }
    });

    it('makes one pending invitation of concurrent invites of the same person', async () => {
      const host = uniqueUser('host');
      const coHost = uniqueUser('cohost');
      const friend = uniqueUser('friend');
      const eventId = await createEvent(app, host);
      await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: coHost }, host);
      await befriend(app, friend, host, coHost);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => invite(app, eventId, i % 2 ? host : coHost, [friend])));
      for (const result of results) assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const invited = results.flatMap((result) => result.data!.inviteFriends.invited);
      const skipped = results.flatMap((result) => result.data!.inviteFriends.skipped);
      assert.equal(invited.length, 1);
      assert.deepEqual(new Set(skipped.map((skip) => skip.reason)), new Set(['ALREADY_INVITED']));
      assert.equal(skipped.length, 5);
      assert.equal(await app.deps.store.collection('invitations').count({ eventId, inviteeId: friend }), 1);
    });

    it('lets people GOING to a PUBLIC event invite, but not to a PRIVATE one; others are FORBIDDEN', async () => {
      const host = uniqueUser('host');
      const [going, waitlisted, interested, friend] = ['going', 'waitlisted', 'interested', 'friend'].map(uniqueUser) as [string, string, string, string];
      const open = await createEvent(app, host, { capacity: 1 });
      await answer(app, open, going, 'GOING');
      await answer(app, open, waitlisted, 'GOING');
      await answer(app, open, interested, 'INTERESTED');
      await befriend(app, friend, going, waitlisted, interested);
      const byGoing = await invite(app, open, going, [friend]);
      assert.equal(byGoing.data?.inviteFriends.invited[0]?.inviter.id, going);
      const another = uniqueUser('another');
      await befriend(app, waitlisted, another);
      assert.equal((await invite(app, open, waitlisted, [another])).data?.inviteFriends.invited.length, 1);
      const byInterested = await invite(app, open, interested, [uniqueUser('x')]);
      assert.equal(byInterested.errors?.[0]?.extensions?.code, 'FORBIDDEN');

      const secret = await createEvent(app, host, { privacy: 'PRIVATE' });
      await befriend(app, host, going);
      const hostInvite = await invite(app, secret, host, [going]);
      const accepted = await respond(app, hostInvite.data!.inviteFriends.invited[0]!.id, going, true);
      assert.equal(accepted.data?.respondToInvitation.status, 'ACCEPTED');
      const byAttendee = await invite(app, secret, going, [friend]);
      assert.equal(byAttendee.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const byStranger = await invite(app, secret, friend, [going]);
      assert.equal(byStranger.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    });

    it('shows a PRIVATE event to its invitee, not to a stranger', async () => {
      const host = uniqueUser('host');
      const invitee = uniqueUser('invitee');
      const stranger = uniqueUser('stranger');
      const eventId = await createEvent(app, host, { privacy: 'PRIVATE', title: 'Secret supper' });
      await befriend(app, host, invitee);
      const EVENT = 'query($id: ID!) { event(id: $id) { title } }';
      assert.equal((await app.gql<{ event: unknown }>(EVENT, { id: eventId }, invitee)).data?.event, null);
      await invite(app, eventId, host, [invitee], 'Shh');
      assert.deepEqual((await app.gql<{ event: unknown }>(EVENT, { id: eventId }, invitee)).data?.event, { title: 'Secret supper' });
      assert.equal((await app.gql<{ event: unknown }>(EVENT, { id: eventId }, stranger)).data?.event, null);
      assert.equal((await app.gql<{ event: unknown }>(EVENT, { id: eventId })).data?.event, null);

      const mine = await app.gql<{ myInvitations: { totalCount: number; edges: { node: { message: string; event: { title: string } | null; inviter: { id: string } } }[] } }>(
        'query { myInvitations { totalCount edges { node { message event { title } inviter { id } } } } }',
        {},
        invitee,
      );
      assert.equal(mine.errors, undefined, JSON.stringify(mine.errors));
      assert.deepEqual(mine.data?.myInvitations, { totalCount: 1, edges: [{ node: { message: 'Shh', event: { title: 'Secret supper' }, inviter: { id: host } } }] });
      assert.equal((await app.gql('query { myInvitations { totalCount } }')).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    });

    it('accepts into GOING (waitlisted when full) and moves the stats', async () => {
      const host = uniqueUser('host');
      const [seated, first, second] = ['seated', 'first', 'second'].map(uniqueUser) as [string, string, string];
      await befriend(app, host, first, second);
      const eventId = await createEvent(app, host, { capacity: 2 });
      await answer(app, eventId, seated, 'GOING');
      const ids = (await invite(app, eventId, host, [first, second])).data!.inviteFriends.invited.map((invitation) => invitation.id);

      const accepted = await respond(app, ids[0]!, first, true);
      assert.equal(accepted.errors, undefined, JSON.stringify(accepted.errors));
      assert.equal(accepted.data?.respondToInvitation.status, 'ACCEPTED');
      assert.ok(!Number.isNaN(Date.parse(accepted.data!.respondToInvitation.respondedAt!)));
      assert.deepEqual(await statsOf(app, eventId), { ...EMPTY_STATS, going: 2 });

      await respond(app, ids[1]!, second, true);
      assert.deepEqual(await statsOf(app, eventId), { ...EMPTY_STATS, going: 2, waitlisted: 1 });
      const rsvp = await app.gql<{ event: { viewerRsvp: { status: string; waitlisted: boolean; waitlistPosition: number } } }>(
        'query($id: ID!) { event(id: $id) { viewerRsvp { status waitlisted waitlistPosition } } }',
        { id: eventId },
        second,
      );
      assert.deepEqual(rsvp.data?.event.viewerRsvp, { status: 'GOING', waitlisted: true, waitlistPosition: 1 });
    });

    it('declines; a second answer is a CONFLICT and someone else answering is NOT_FOUND', async () => {
      const host = uniqueUser('host');
      const [ann, bob] = [uniqueUser('ann'), uniqueUser('bob')];
      await befriend(app, host, ann, bob);
      const eventId = await createEvent(app, host);
      const [annInvite, bobInvite] = (await invite(app, eventId, host, [ann, bob])).data!.inviteFriends.invited.map((invitation) => invitation.id);

      for (const other of [host, bob]) {
        const result = await respond(app, annInvite!, other, true);
        assert.equal(result.errors?.[0]?.extensions?.code, 'NOT_FOUND');
      }
      assert.equal((await respond(app, 'no-such-invitation', ann, true)).errors?.[0]?.extensions?.code, 'NOT_FOUND');

      const declined = await respond(app, annInvite!, ann, false);
      assert.equal(declined.data?.respondToInvitation.status, 'DECLINED');
      assert.deepEqual(await statsOf(app, eventId), EMPTY_STATS);
      for (const accept of [false, true]) {
        const twice = await respond(app, annInvite!, ann, accept);
        assert.equal(twice.errors?.[0]?.extensions?.code, 'CONFLICT');
        assert.match(twice.errors?.[0]?.message ?? '', /declined/);
      }
      await respond(app, bobInvite!, bob, true);
      const again = await respond(app, bobInvite!, bob, true);
      assert.equal(again.errors?.[0]?.extensions?.code, 'CONFLICT');
      assert.deepEqual(await statsOf(app, eventId), { ...EMPTY_STATS, going: 1 });

      const filtered = await app.gql<{ myInvitations: { edges: { node: { status: string } }[] } }>(
        'query { myInvitations(status: DECLINED) { edges { node { status } } } }',
        {},
        ann,
      );
      assert.deepEqual(filtered.data?.myInvitations.edges, [{ node: { status: 'DECLINED' } }]);
    });

    it('settles concurrent answers to one invitation on one outcome that matches the RSVP', async () => {
      const host = uniqueUser('host');
      const guests = [uniqueUser('a'), uniqueUser('b'), uniqueUser('c'), uniqueUser('d')];
      await befriend(app, host, ...guests);
      const eventId = await createEvent(app, host);
      await invite(app, eventId, host, guests);
      for (const [i, guest] of guests.entries()) {
        const id = `${eventId}:${guest}`;
        // Two accepts racing, or an accept racing a decline (either may go first).
        const answers = i % 2 === 0 ? [true, true] : i === 1 ? [true, false] : [false, true];
        const results = await Promise.all(answers.map((accept) => respond(app, id, guest, accept)));
        const won = results.filter((result) => result.data?.respondToInvitation);
        assert.equal(won.length, 1, JSON.stringify(results));
        for (const lost of results.filter((result) => !result.data?.respondToInvitation)) {
          assert.equal(lost.errors?.[0]?.extensions?.code, 'CONFLICT');
        }
        const status = won[0]!.data!.respondToInvitation.status;
        const rsvp = await app.deps.rsvps.findById(`${eventId}:${guest}`);
        assert.equal(rsvp?.status ?? null, status === 'ACCEPTED' ? 'GOING' : null, `${status} with answer ${rsvp?.status}`);
      }
    });

    it('keeps the invitation PENDING when accepting fails because the event was cancelled', async () => {
      const host = uniqueUser('host');
      const friend = uniqueUser('friend');
      await befriend(app, host, friend);
      const eventId = await createEvent(app, host);
      const id = (await invite(app, eventId, host, [friend])).data!.inviteFriends.invited[0]!.id;
      await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: eventId }, host);
      const result = await respond(app, id, friend, true);
      assert.equal(result.errors?.[0]?.extensions?.code, 'CONFLICT');
      const mine = await app.gql<{ myInvitations: { edges: { node: { id: string; status: string } }[] } }>(
        'query { myInvitations { edges { node { id status } } } }',
        {},
        friend,
      );
      assert.deepEqual(mine.data?.myInvitations.edges, [{ node: { id, status: 'PENDING' } }]);
      assert.deepEqual(await statsOf(app, eventId, host), EMPTY_STATS);
      // Declining a pending invitation to a cancelled event still works.
      assert.equal((await respond(app, id, friend, false)).data?.respondToInvitation.status, 'DECLINED');
    });

    it('lists an event’s invitations newest first to organisers only, with pages', async () => {
      const host = uniqueUser('host');
      const coHost = uniqueUser('cohost');
      const friends = [uniqueUser('a'), uniqueUser('b'), uniqueUser('c')];
      await befriend(app, host, ...friends);
      const eventId = await createEvent(app, host);
      await app.gql('mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }', { e: eventId, u: coHost }, host);
      for (const friend of friends) await invite(app, eventId, host, [friend]);
      await respond(app, `${eventId}:${friends[0]}`, friends[0]!, false);

      type List = { event: { invitations: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { invitee: { id: string } } }[] } } | null };
      const LIST = `query($id: ID!, $s: InvitationStatus, $after: String) { event(id: $id) {
        invitations(status: $s, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { invitee { id } } } } } }`;
      const firstPage = await app.gql<List>(LIST, { id: eventId }, coHost);
      assert.equal(firstPage.errors, undefined, JSON.stringify(firstPage.errors));
      assert.equal(firstPage.data?.event?.invitations.totalCount, 3);
      assert.deepEqual(firstPage.data?.event?.invitations.edges.map((edge) => edge.node.invitee.id), [friends[2], friends[1]]);
      assert.equal(firstPage.data?.event?.invitations.pageInfo.hasNextPage, true);
      const secondPage = await app.gql<List>(LIST, { id: eventId, after: firstPage.data!.event!.invitations.pageInfo.endCursor }, host);
      assert.deepEqual(secondPage.data?.event?.invitations.edges.map((edge) => edge.node.invitee.id), [friends[0]]);
      const pending = await app.gql<List>(LIST, { id: eventId, s: 'PENDING' }, host);
      assert.equal(pending.data?.event?.invitations.totalCount, 2);

      for (const viewer of [friends[1]!, uniqueUser('stranger')]) {
        const denied = await app.gql<List>(LIST, { id: eventId }, viewer);
        assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      }
    });
  });
}
