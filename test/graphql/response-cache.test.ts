import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../support/eventually.js';
import { eventInput, startTestApp, uniqueUser, type TestApp } from '../support/app.js';
import { createAt, lonelyPlace, trendingIds } from '../discovery/support.js';

const CREATE = 'mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }';
const RSVP = 'mutation($id: ID!) { rsvp(eventId: $id, status: GOING) { status } }';
const EVENT = 'query($id: ID!) { event(id: $id) { id title privacy stats { going } } }';
const LIST = 'query($host: ID!) { events(filter: { hostId: $host }) { edges { node { id title } } } }';

interface EventView {
  id: string;
  title: string;
  privacy: string;
  stats: { going: number };
}

/** Hits and misses of the response cache so far. */
function lookups(app: TestApp) {
  const value = async (counter: typeof app.deps.metrics.cacheHits) =>
    (await counter.get()).values.find((sample) => sample.labels.cache === 'graphql-responses')?.value ?? 0;
  return Promise.all([value(app.deps.metrics.cacheHits), value(app.deps.metrics.cacheMisses)]).then(([hits, misses]) => ({ hits, misses }));
}

async function createEvent(app: TestApp, host: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await app.gql<{ createEvent: { id: string } }>(CREATE, { input: eventInput(overrides) }, host);
  assert.equal(created.errors, undefined, JSON.stringify(created.errors));
  return created.data!.createEvent.id;
}

describe('response cache for anonymous public reads (embedded stores)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: { RATE_LIMIT_BROWSE_PER_HOUR: '6' } });
  });
  after(() => app.stop());

  it('answers a read asked for again from the cache, and the next read after a mutation shows the change', async () => {
    const host = uniqueUser('host');
    const id = await createEvent(app, host, { title: 'Before' });
    const read = async () => (await app.gql<{ event: EventView }>(EVENT, { id })).data!.event;
    const before = await lookups(app);
    // Kept from the second time it is asked for, served the third.
    for (let i = 0; i < 3; i++) assert.equal((await read()).title, 'Before');
    const afterReads = await lookups(app);
    assert.deepEqual({ hits: afterReads.hits - before.hits, misses: afterReads.misses - before.misses }, { hits: 1, misses: 2 });

    assert.equal((await app.gql(UPDATE, { id, input: { title: 'After' } }, host)).errors, undefined);
    assert.equal((await read()).title, 'After');
    assert.equal((await app.gql(RSVP, { id }, uniqueUser('guest'))).errors, undefined);
    assert.equal((await read()).stats.going, 1);
    assert.equal((await app.gql(UPDATE, { id, input: { privacy: 'PRIVATE' } }, host)).errors, undefined);
    assert.equal((await app.gql<{ event: EventView | null }>(EVENT, { id })).data!.event, null);
  });

  it('shows a new event in a list read just before it was created', async () => {
    const host = uniqueUser('host');
    const list = async () => (await app.gql<{ events: { edges: { node: { title: string } }[] } }>(LIST, { host })).data!.events.edges.map((edge) => edge.node.title);
    await createEvent(app, host, { title: 'First' });
    for (let i = 0; i < 3; i++) assert.deepEqual(await list(), ['First']);
    await createEvent(app, host, { title: 'Second', startsAt: new Date(Date.now() + 48 * 3600_000).toISOString(), endsAt: new Date(Date.now() + 50 * 3600_000).toISOString() });
    assert.deepEqual(await list(), ['First', 'Second']);
  });

  it('still charges the browse bucket for a list answered from the cache', async () => {
    const fresh = await startTestApp({ mode: 'embedded', env: { RATE_LIMIT_BROWSE_PER_HOUR: '3' } });
    try {
      const query = '{ events(first: 1) { edges { node { id } } } }';
      const codes = [];
      // The third is answered from the cache (kept the second time), or refused by the limit.
      for (let i = 0; i < 4; i++) codes.push((await fresh.gql(query)).errors?.[0]?.extensions?.code ?? 'OK');
      assert.deepEqual(codes, ['OK', 'OK', 'OK', 'RATE_LIMITED']);
    } finally {
      await fresh.stop();
    }
  });

  it('keeps an anonymous trending answer only briefly: a listed event’s change shows at once, a new order within the ranked life', async () => {
    const fresh = await startTestApp({ mode: 'embedded', env: { RESPONSE_CACHE_RANKED_TTL_SECONDS: '1' } });
    try {
      const host = uniqueUser('host');
      const place = lonelyPlace();
      const near = { near: place, r: 5 };
      const [first, second, third] = [await createAt(fresh, host, place), await createAt(fresh, host, place), await createAt(fresh, host, place)];
      const now = new Date();
      await fresh.deps.discovery.scores.record(first, 10, now);
      await fresh.deps.discovery.scores.record(second, 5, now);
      const before = await lookups(fresh);
      for (let i = 0; i < 3; i++) assert.deepEqual(await trendingIds(fresh, undefined, near), [first, second]);
      assert.equal((await lookups(fresh)).hits - before.hits, 1, 'the third read was answered from the cache');

      // An event the kept answer does not list overtakes both: no event of the answer changed, the order shows once its life is over.
      await fresh.deps.discovery.scores.record(third, 50, now);
      await eventually(async () => assert.deepEqual(await trendingIds(fresh, undefined, near), [third, first, second]), { what: 'the new trending order', timeoutMs: 5_000 });
      // A listed event made private leaves the very next answer.
      assert.equal((await fresh.gql(UPDATE, { id: first, input: { privacy: 'PRIVATE' } }, host)).errors, undefined);
      assert.deepEqual(await trendingIds(fresh, undefined, near), [third, second]);
    } finally {
      await fresh.stop();
    }
  });

  it('never serves a signed-in viewer from it, nor one viewer what another may see', async () => {
    const host = uniqueUser('host');
    const id = await createEvent(app, host, { privacy: 'PRIVATE', title: 'Secret' });
    assert.equal((await app.gql<{ event: EventView | null }>(EVENT, { id }, host)).data!.event?.title, 'Secret');
    assert.equal((await app.gql<{ event: EventView | null }>(EVENT, { id })).data!.event, null);
    assert.equal((await app.gql<{ event: EventView | null }>(EVENT, { id }, uniqueUser('stranger'))).data!.event, null);
    assert.equal((await app.gql<{ event: EventView | null }>(EVENT, { id }, host)).data!.event?.title, 'Secret');
  });
});

describe('response cache across two instances (FerretDB, Kafka)', () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    a = await startTestApp({ mode: 'real' });
    // The same database as `a`, its own instance id (its own live feed on `events`).
    b = await startTestApp({ mode: 'real', env: { MONGODB_DATABASE: a.config.mongo!.database, INSTANCE_ID: `${a.config.instanceId}-b` } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('drops an answer kept on one instance once the change made on the other arrives through Kafka', async () => {
    const host = uniqueUser('host');
    const id = await createEvent(a, host, { title: 'Before' });
    const readOnB = async () => (await b.gql<{ event: EventView | null }>(EVENT, { id })).data!.event?.title;
    await eventually(async () => assert.equal(await readOnB(), 'Before'), { what: 'the event on instance b' });
    // Kept on b from the second read, served from its cache from the third.
    assert.equal(await readOnB(), 'Before');
    assert.equal(await readOnB(), 'Before');
    assert.equal((await a.gql(UPDATE, { id, input: { title: 'After' } }, host)).errors, undefined);
    await eventually(async () => assert.equal(await readOnB(), 'After'), { what: 'the change on instance b', timeoutMs: 20_000 });
  });
});
