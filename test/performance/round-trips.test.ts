import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import { inviteThenUnfriend } from '../discovery/support.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createEvent } from '../support/events.js';
import { befriend } from '../support/seed.js';

describe('store round trips per list request (FerretDB, counted by command monitoring)', () => {
  let app: TestApp;
  const commands: string[] = [];
  const host = uniqueUser('host');

  before(async () => {
    // The outbox relay's polling would be counted too; it has nothing to do here.
    app = await startTestApp({ mode: 'real', onCommand: (name) => commands.push(name), env: { OUTBOX_POLL_MS: '3600000' } });
    const now = new Date();
    const events = demoEvents(120, now).map((event, i) => ({
      ...event,
      _id: `${host}-${i}`,
      hostId: host,
      privacy: 'PUBLIC' as const,
      status: 'ACTIVE' as const,
      coHostIds: [uniqueUser('cohost'), uniqueUser('cohost')],
      startsAt: new Date(now.getTime() + (i + 1) * 3600_000),
      endsAt: new Date(now.getTime() + (i + 2) * 3600_000),
    }));
    for (const event of events) await app.deps.events.insert(event);
  });
  after(() => app.stop());

  async function countFor(first: number): Promise<{ commands: string[]; edges: number }> {
    const query = `query($h: ID!, $first: Int) {
      events(filter: { hostId: $h }, first: $first) { edges { node { id title host { id } coHosts { id } category { id name color } } } }
    }`;
    commands.length = 0;
    const result = await app.gql<{ events: { edges: { node: { category: { id: string } | null } }[] } }>(query, { h: host, first });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.ok(result.data!.events.edges.every((edge) => edge.node.category !== null));
    return { commands: [...commands], edges: result.data!.events.edges.length };
  }

  it('lists 100 events with host, co-hosts and category in at most 3 round trips', async () => {
    const { commands: sent, edges } = await countFor(100);
    assert.equal(edges, 100);
    assert.ok(sent.length <= 3, `sent ${sent.length}: ${sent.join(', ')}`);
  });

  it('costs the same number of round trips whatever the page size', async () => {
    const small = await countFor(5);
    const large = await countFor(100);
    assert.equal(small.commands.length, large.commands.length);
  });
});

describe('store reads behind one FRIENDS event (FerretDB, counted by command monitoring)', () => {
  let app: TestApp;
  const reads: { name: string; collection: string | null }[] = [];
  const host = uniqueUser('host');
  const friend = uniqueUser('friend');
  const invitee = uniqueUser('invitee');
  const stranger = uniqueUser('stranger');
  let eventId = '';

  before(async () => {
    // Nothing in the background while requests are counted: no outbox polling, no flush of the views they record.
    app = await startTestApp({
      mode: 'real',
      onCommand: (name, collection) => reads.push({ name, collection }),
      env: { OUTBOX_POLL_MS: '3600000', VIEWS_FLUSH_INTERVAL_SECONDS: '3600' },
    });
    eventId = await createEvent(app, host, { privacy: 'FRIENDS' });
    await befriend(app, host, friend);
    await inviteThenUnfriend(app, host, invitee, eventId);
    // The set-up's messages are published now, so the relay's reads and writes are not counted as the requests'.
    await app.deps.relay.flush();
  });
  after(() => app.stop());

  async function openAs(viewer: string): Promise<{ id: string | null; collections: (string | null)[] }> {
    reads.length = 0;
    const result = await app.gql<{ event: { id: string } | null }>('query($id: ID!) { event(id: $id) { id title } }', { id: eventId }, viewer);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { id: result.data!.event?.id ?? null, collections: reads.map((read) => read.collection) };
  }

  // The viewer's memberships are read from `rsvps` and `invitations` together; the outbox
  // relay (which may run meanwhile) reads `events`, `posts` and `invitations`, never `rsvps`.
  it("shows a friend's FRIENDS event without reading the viewer's answers and invitations", async () => {
    const { id, collections } = await openAs(friend);
    assert.equal(id, eventId);
    assert.ok(collections.includes('events'), `read: ${collections.join(', ')}`);
    assert.ok(!collections.includes('rsvps'), `read: ${collections.join(', ')}`);
  });

  it('still shows it to an invitee who is not a friend (their memberships are read then), and hides it from a stranger', async () => {
    const asInvitee = await openAs(invitee);
    assert.equal(asInvitee.id, eventId);
    assert.ok(asInvitee.collections.includes('rsvps'), `read: ${asInvitee.collections.join(', ')}`);
    assert.equal((await openAs(stranger)).id, null);
  });
});
