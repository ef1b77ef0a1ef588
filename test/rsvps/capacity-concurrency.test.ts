import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RsvpRecord } from '../../src/domain/rsvps/model.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent, statsOf } from '../support/events.js';

describe('capacity under concurrent answers (FerretDB)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'real' });
  });
  after(() => app.stop());

  it('seats exactly 50 of 200 concurrent GOING answers and waitlists 150 in order; counts equal the records', async () => {
    const eventId = await createEvent(app, uniqueUser('host'), { capacity: 50 });
    const guests = Array.from({ length: 200 }, (_, i) => uniqueUser(`guest${i}`));
    const results = await Promise.all(guests.map((guest) => answer(app, eventId, guest, 'GOING')));
    for (const result of results) assert.equal(result.errors, undefined, JSON.stringify(result.errors));

    const seated = results.filter((result) => result.data?.rsvp.waitlisted === false).length;
    const positions = results.flatMap((result) => (result.data?.rsvp.waitlisted ? [result.data.rsvp.waitlistPosition] : []));
    assert.equal(seated, 50);
    assert.equal(positions.length, 150);

    const records = await app.deps.store.collection<RsvpRecord>('rsvps').find({ eventId });
    const byBucket = (bucket: string) => records.filter((record) => record.bucket === bucket);
    assert.equal(byBucket('GOING').length, 50);
    const queue = byBucket('WAITLISTED').map((record) => record.waitlistSeq!).sort((a, b) => a - b);
    assert.equal(queue.length, 150);
    assert.equal(new Set(queue).size, 150, 'every waitlisted answer has its own place');
    assert.deepEqual(await statsOf(app, eventId), { going: 50, interested: 0, maybe: 0, notGoing: 0, waitlisted: 150 });
    const event = await app.deps.events.findById(eventId);
    assert.equal(event?.seatsLeft, 0);

    // Places as the API reports them now are 1..150 in the order numbers were handed out.
    const first = byBucket('WAITLISTED').sort((a, b) => a.waitlistSeq! - b.waitlistSeq!)[0]!;
    const view = await app.gql<{ event: { viewerRsvp: { waitlistPosition: number } } }>(
      'query($id: ID!) { event(id: $id) { viewerRsvp { waitlistPosition } } }',
      { id: eventId },
      first.userId,
    );
    assert.equal(view.data?.event.viewerRsvp.waitlistPosition, 1);
  });
});
