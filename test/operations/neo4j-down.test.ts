import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDedicatedServer, type DedicatedServer } from '../../scripts/servers/index.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { eventually } from '../support/eventually.js';
import { dependencyBecomes, FAST_BREAKERS, readyStatus } from './support.js';

const EVENT = 'query($id: ID!) { event(id: $id) { id title } }';
const LIST = '{ events(first: 50) { edges { node { id } } } }';
const INVITE = 'mutation($e: ID!, $u: [ID!]!) { inviteFriends(eventId: $e, userIds: $u) { invited { id } } }';

describe('Neo4j down (dedicated server stopped and restarted)', () => {
  let neo4j: DedicatedServer;
  let app: TestApp;
  before(async () => {
    neo4j = await startDedicatedServer('neo4j');
    app = await startTestApp({ mode: 'real', env: { ...neo4j.env, ...FAST_BREAKERS, NEO4J_TIMEOUT_MS: '5000' } });
  });
  after(async () => {
    await app?.stop();
    await neo4j?.dispose();
  });

  it('serves public paths and store-decided visibility, fails FRIENDS decisions closed like an unknown id, refuses graph operations; recovers', async () => {
    const [host, friend, member, stranger] = [uniqueUser('host'), uniqueUser('friend'), uniqueUser('member'), uniqueUser('stranger')];
    // A freshly started Neo4j takes a while over its first writes (JIT): until then they may time out.
    await eventually(() => app.deps.graph.addFriendship(host, friend, new Date()), { timeoutMs: 90_000, intervalMs: 500, what: 'a first graph write' });
    const publicId = await createEvent(app, host, { title: 'Open to all' });
    const friendsId = await createEvent(app, host, { title: 'Friends only', privacy: 'FRIENDS' });
    const privateId = await createEvent(app, host, { title: 'Members only', privacy: 'PRIVATE' });
    // The friend answers the FRIENDS event; the member's answer to the PRIVATE event is set in the store
    // (only people who can see an event may answer it).
    assert.equal((await answer(app, friendsId, friend, 'GOING')).errors, undefined);
    await app.deps.rsvps.save({
      _id: `${privateId}:${member}`, eventId: privateId, userId: member, status: 'GOING', bucket: 'GOING', waitlistSeq: null,
      respondedAt: new Date(), updatedAt: new Date(), checkIn: null, checkedInAt: null, checkedInBy: null,
    });
    const seen = async (viewer: string | undefined, id: string) => {
      const result = await app.gql<{ event: { id: string } | null }>(EVENT, { id }, viewer);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data?.event?.id ?? null;
    };
    const stranger2 = uniqueUser('friend-of-host');
    await app.deps.graph.addFriendship(host, stranger2, new Date());
    assert.equal(await seen(stranger2, friendsId), friendsId, 'a friend sees the FRIENDS event while the graph is up');

    await neo4j.stop('SIGKILL');
    // Graph-needing decisions fail closed: the friend who never answered no longer sees it, exactly like an unknown id.
    const unknownId = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 3; i++) {
      assert.equal(await seen(stranger2, friendsId), null);
      assert.equal(await seen(stranger2, unknownId), null);
    }
    const report = await dependencyBecomes(app, 'neo4j', 'down', 'open');
    assert.equal(report.dependencies.mongodb?.status, 'up');
    assert.equal(await readyStatus(app), 200, 'Neo4j away does not take the instance out');
    const friendAnswer = await app.gql<{ event: { id: string } | null }>(EVENT, { id: friendsId }, stranger2);
    const unknownAnswer = await app.gql<{ event: { id: string } | null }>(EVENT, { id: unknownId }, stranger2);
    assert.deepEqual(friendAnswer, unknownAnswer, 'an existing FRIENDS event and an unknown id answer the same');

    // Public paths, for everyone.
    assert.equal(await seen(undefined, publicId), publicId);
    assert.equal(await seen(stranger, publicId), publicId);
    const listed = await app.gql<{ events: { edges: { node: { id: string } }[] } }>(LIST, {}, member);
    assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
    const ids = listed.data!.events.edges.map((edge) => edge.node.id);
    assert.ok(ids.includes(publicId) && ids.includes(privateId), 'signed-in lists keep public events and the ones the store says the viewer belongs to');
    assert.ok(!ids.includes(friendsId));
    // What the store decides still holds: organisers, people who answered.
    assert.equal(await seen(host, friendsId), friendsId);
    assert.equal(await seen(friend, friendsId), friendsId, 'someone who answered sees it without the graph');
    assert.equal(await seen(member, privateId), privateId);
    // An operation that needs the graph says so.
    const invited = await app.gql(INVITE, { e: publicId, u: [friend] }, host);
    assert.equal(invited.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE');
    assert.match(invited.errors?.[0]?.message ?? '', /friendship graph is temporarily unavailable/);
    assert.equal(JSON.stringify(invited.errors).includes('bolt://'), false, 'no address leaks');

    await neo4j.start();
    await dependencyBecomes(app, 'neo4j', 'up', 'closed');
    await eventually(async () => assert.equal(await seen(stranger2, friendsId), friendsId), { what: 'the friend sees the FRIENDS event again' });
  });
});
