import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EmbeddedDocumentStore, type QueryReport } from '../../src/datasources/embedded/embedded-document-store.js';
import { EVENTS, EventRepository, type VisibilityScope } from '../../src/datasources/event-repository.js';
import { INVITATIONS, InvitationRepository } from '../../src/datasources/invitation-repository.js';
import { OutboxStore } from '../../src/datasources/outbox-store.js';
import { OutboxWriter } from '../../src/datasources/outbox.js';
import { POSTS, PostRepository } from '../../src/datasources/post-repository.js';
import { RsvpRepository } from '../../src/datasources/rsvp-repository.js';
import { demoEvents } from '../../src/demo/seed.js';
import { cellsOf, coveringCells } from '../../src/domain/discovery/geo.js';
import { discoveryLookups } from '../../src/domain/discovery/lookup-fields.js';
import type { EventRecord } from '../../src/domain/events/model.js';
import { eventSnapshot } from '../../src/domain/events/snapshot.js';
import { EventCreated } from '../../src/domain/messaging/event-messages.js';

describe('embedded store: the hot reads go through an index, never over the whole collection', () => {
  const scans: string[] = [];
  const store = new EmbeddedDocumentStore({ onFullScan: (collection, filter) => scans.push(`${collection} ${JSON.stringify(filter)}`) });
  const writer = new OutboxWriter();
  const events = new EventRepository(store, writer);
  const rsvps = new RsvpRepository(store);
  const invitations = new InvitationRepository(store, writer);
  const outbox = new OutboxStore(store, [EVENTS, POSTS, INVITATIONS]);
  const seeded = demoEvents(500);

  before(async () => {
    await Promise.all([events.ensureIndexes(), rsvps.ensureIndexes(), invitations.ensureIndexes(), new PostRepository(store, writer).ensureIndexes()]);
    // Three of them with a domain event still to publish.
    for (const [i, event] of seeded.entries()) {
      await events.insert(event, i % 200 === 0 ? [EventCreated.create('/test', event._id, { event: eventSnapshot(event) }, new Date())] : []);
    }
  });

  it('reads events by id, pages them for anonymous and signed-in viewers and by category, and finds their pending outboxes', async () => {
    scans.length = 0;
    const anonymous = { viewerId: null, friendIds: [], memberEventIds: [] };
    const signedIn = { viewerId: 'user-grace', friendIds: ['user-ada', 'user-margaret'], memberEventIds: [seeded[7]!._id] };
    assert.equal((await events.findByIds(seeded.slice(0, 20).map((event) => event._id))).filter(Boolean).length, 20);
    assert.equal((await events.page({}, anonymous, 20, null)).items.length, 20);
    assert.equal((await events.page({}, signedIn, 20, null)).items.length, 20);
    assert.equal((await events.page({ categoryId: 'music' }, anonymous, 20, null)).items.length, 20);
    assert.equal((await events.page({ hostId: 'user-ada' }, signedIn, 20, null)).items.length, 20);
    assert.equal((await outbox.pending(EVENTS, 100)).length, 3);
    assert.equal((await outbox.backlog()).entries, 3);
    assert.deepEqual(scans, []);
  });

  it('reads what a viewer answered and was invited to', async () => {
    scans.length = 0;
    assert.deepEqual(await rsvps.eventIdsOf('user-grace'), []);
    assert.deepEqual(await invitations.eventIdsOfInvitees(['user-grace', 'user-ada']), [[], []]);
    assert.deepEqual(scans, []);
  });
});

describe('embedded store: discovery reads test the documents their indexes point at, not the collection from its start', () => {
  const reports: QueryReport[] = [];
  const store = new EmbeddedDocumentStore({ onQuery: (report) => reports.push(report) });
  const events = new EventRepository(store, new OutboxWriter(), discoveryLookups);
  const now = new Date();
  // 3,000 events 20 hours apart, four in five over: reading in start order from the
  // beginning would test some 2,400 ended events before the first upcoming one.
  const seeded = demoEvents(3_000, new Date(now.getTime() - 2_400 * 20 * 3_600_000));
  const criteria = { status: 'ACTIVE' as const, endsAfter: now };
  const anonymous: VisibilityScope = { viewerId: null, friendIds: [], memberEventIds: [] };
  const signedIn: VisibilityScope = { viewerId: 'user-grace', friendIds: ['user-ada', 'user-tim'], memberEventIds: [seeded[2_990]!._id, seeded[10]!._id] };
  const visibleTo = (scope: VisibilityScope, event: EventRecord) =>
    event.privacy === 'PUBLIC' ||
    event.hostId === scope.viewerId ||
    event.coHostIds.includes(scope.viewerId ?? '') ||
    (event.privacy === 'FRIENDS' && scope.friendIds !== 'unchecked' && scope.friendIds.includes(event.hostId)) ||
    scope.memberEventIds.includes(event._id);
  const byStart = (a: EventRecord, b: EventRecord) => a.startsAt.getTime() - b.startsAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

  before(async () => {
    await events.ensureIndexes();
    await events.insertMany(seeded);
  });

  it('reads the events of the interests through the category and tag indexes, soonest first, as a scan would answer', async () => {
    assert.ok(seeded.filter((event) => event.endsAt <= now).length > 2_300);
    for (const scope of [anonymous, signedIn]) {
      for (const [categories, tags] of [[['music'], ['jazz']], [['tech', 'arts'], ['free', 'kids', 'free']], [[], ['outdoor']], [['food'], []]] as const) {
        const found = await events.matchingInterests(categories, tags, criteria, scope, 20);
        const report = reports.at(-1)!;
        const interesting = (event: EventRecord) => categories.includes(event.categoryId as never) || event.tags.some((tag) => tags.includes(tag as never));
        const wanted = seeded
          .filter((event) => event.endsAt > now && visibleTo(scope, event) && interesting(event))
          .sort(byStart)
          .slice(0, 20);
        assert.equal(wanted.length, 20);
        assert.deepEqual(
          found.map((event) => event._id),
          wanted.map((event) => event._id),
        );
        assert.match(report.index ?? 'a full scan', /(category|tags)_startsAt/);
        // At most the events of those categories and tags up to the page's last (the ended ones
        // among them too: their end bounds no start order), where a read of every event in start
        // order would have tested all those before the first match.
        const read = seeded.filter((event) => interesting(event) && byStart(event, wanted.at(-1)!) <= 0).length;
        const beforeFirst = seeded.filter((event) => byStart(event, wanted[0]!) < 0).length;
        assert.ok(report.examined <= read && read < beforeFirst / 2, `${JSON.stringify([categories, tags])}: tested ${report.examined}, ${read} up to the page's end, ${beforeFirst} before its start`);
      }
    }
  });

  it('reads a nearby query from the first event not yet over in each cell', async () => {
    const cells = coveringCells({ latitude: 48.8566, longitude: 2.3522 }, 5);
    const found = await events.inCells(cells, criteria, anonymous, 1_000);
    const report = reports.at(-1)!;
    const inCells = seeded.filter((event) => event.location && cellsOf(event.location).some((cell) => cells.includes(cell)));
    const wanted = inCells.filter((event) => event.endsAt > now && event.privacy === 'PUBLIC').map((event) => event._id);
    assert.ok(inCells.length > 1_500, `${inCells.length} events in the cells`);
    assert.deepEqual(found.map((event) => event._id).sort(), wanted.sort());
    assert.equal(report.index, 'geoCells_endsAt');
    assert.ok(report.examined <= inCells.filter((event) => event.endsAt > now).length, `tested ${report.examined}`);
  });
});
