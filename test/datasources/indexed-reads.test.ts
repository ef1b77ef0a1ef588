import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EmbeddedDocumentStore } from '../../src/datasources/embedded/embedded-document-store.js';
import { EVENTS, EventRepository } from '../../src/datasources/event-repository.js';
import { INVITATIONS, InvitationRepository } from '../../src/datasources/invitation-repository.js';
import { OutboxStore } from '../../src/datasources/outbox-store.js';
import { OutboxWriter } from '../../src/datasources/outbox.js';
import { POSTS, PostRepository } from '../../src/datasources/post-repository.js';
import { RsvpRepository } from '../../src/datasources/rsvp-repository.js';
import { demoEvents } from '../../src/demo/seed.js';
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
