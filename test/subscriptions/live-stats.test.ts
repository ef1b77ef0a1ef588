import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { answer, createEvent } from '../support/events.js';
import { subscribe } from '../support/ws-client.js';
import { eventually } from '../support/eventually.js';

const LIVE = 'subscription($id: ID!) { eventStatsChanged(eventId: $id) { eventId at version counts { going interested maybe notGoing waitlisted } } }';
type Change = { eventStatsChanged: { eventId: string; counts: Record<string, number> } };

describe('live RSVP counts over graphql-ws across two instances (real Kafka)', () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    // Two instances of the service sharing the same stores, each with its own consumer group.
    const id = randomUUID().slice(0, 8);
    const shared = { MONGODB_DATABASE: `test_live_${id}`, REDIS_KEY_PREFIX: `test-live-${id}:`, RATE_LIMIT_RSVP_PER_HOUR: '10000', LIVE_MAX_UPDATES_PER_SECOND: '2' };
    a = await startTestApp({ mode: 'real', env: { ...shared, INSTANCE_ID: `a-${randomUUID()}` } });
    b = await startTestApp({ mode: 'real', env: { ...shared, INSTANCE_ID: `b-${randomUUID()}` } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('delivers an answer made on instance A to a subscriber on instance B', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(a, host);
    const live = subscribe<Change>(b.url, await b.token(host), LIVE, { id: eventId });
    // The subscription is registered once the server acknowledges it; an answer before
    // that could be missed, so wait until B holds a subscriber for the event.
    await eventually(() => assert.equal(b.deps.live.subscriberCount(eventId), 1), { what: 'the subscription on instance B', intervalMs: 5 });
    await answer(a, eventId, uniqueUser('guest'), 'GOING');
    const received = await live.until((latest) => latest.eventStatsChanged.counts.going === 1);
    assert.equal(received.at(-1)?.eventStatsChanged.eventId, eventId);
    await live.dispose();
  });

  it('coalesces a burst (at most the configured rate) and always ends on the exact final counts', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(a, host);
    const live = subscribe<Change>(b.url, await b.token(host), LIVE, { id: eventId });
    await eventually(() => assert.equal(b.deps.live.subscriberCount(eventId), 1), { what: 'the subscription on instance B', intervalMs: 5 });
    const guests = Array.from({ length: 30 }, (_, i) => uniqueUser(`guest${i}`));
    const results = await Promise.all(guests.map((guest, i) => answer(a, eventId, guest, i % 3 === 0 ? 'MAYBE' : 'GOING')));
    for (const result of results) assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const final = { going: 20, interested: 0, maybe: 10, notGoing: 0, waitlisted: 0 };
    const received = await live.until((latest) => JSON.stringify(latest.eventStatsChanged.counts) === JSON.stringify(final));
    assert.ok(received.length < 30, `expected coalescing, got ${received.length} messages for 30 answers`);
    assert.deepEqual(received.at(-1)?.eventStatsChanged.counts, final);
    await live.dispose();
  });

  it('refuses to subscribe to an event the viewer cannot see', async () => {
    const host = uniqueUser('host');
    const eventId = await createEvent(a, host, { privacy: 'PRIVATE' });
    const live = subscribe<Change>(b.url, await b.token(uniqueUser('stranger')), LIVE, { id: eventId });
    const errors = (await live.error) as { extensions?: { code?: string } }[];
    assert.equal(errors[0]?.extensions?.code, 'NOT_FOUND');
    await live.dispose();
  });

  it('rejects a connection whose token is not valid', async () => {
    const live = subscribe<Change>(b.url, 'not-a-token', LIVE, { id: 'x' });
    const error = (await live.error) as { code?: number };
    assert.equal(error.code, 4403);
  });
});
