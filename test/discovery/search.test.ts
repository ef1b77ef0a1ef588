import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, uniqueUser, type StoreMode, type TestApp } from '../support/app.js';
import { overwriteEvent } from '../support/events.js';
import type { StoredDocument } from '../../src/datasources/documents.js';
import { demoEvents } from '../../src/demo/seed.js';
import { createAt, locationAt, lonelyPlace, nearbyIds, offset, search, searchIds, uniqueWord } from './support.js';

const HOUR = 3600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`searchEvents (${mode} stores)`, () => {
    let app: TestApp;
    const host = uniqueUser('host');
    const viewer = uniqueUser('viewer');
    const place = lonelyPlace();
    const make = (overrides: Record<string, unknown>, at = place) => createAt(app, host, at, overrides);

    before(async () => {
      app = await startTestApp({ mode, env: { RATE_LIMIT_SEARCH_PER_HOUR: '10000' } });
    });
    after(() => app.stop());

    it('ranks a title match above a tag match, a tag above the description, upcoming before past', async () => {
      const word = uniqueWord();
      const inDescription = await make({ title: 'Evening out', description: `All about ${word} tonight`, tags: [] });
      const inTag = await make({ title: 'Evening in', description: null, tags: [word] });
      const inTitle = await make({ title: `The ${word} evening`, description: null, tags: [] });
      const pastTitle = await make({ title: `${word} last year`, description: null, tags: [] });
      await overwriteEvent(app, pastTitle, { $set: { startsAt: new Date(Date.now() - 48 * HOUR), endsAt: new Date(Date.now() - 46 * HOUR) } });
      const laterTitle = await make({ title: `${word} much later`, startsAt: inHours(300), endsAt: inHours(302) });
      assert.deepEqual(await searchIds(app, word, viewer), [inTitle, laterTitle, pastTitle, inTag, inDescription]);
    });

    it('needs every word, takes the last as a prefix, and ignores case and accents', async () => {
      const word = uniqueWord();
      const cafe = await make({ title: `Café Jazz ${word}`, description: 'Crème brûlée for all', tags: [] });
      const jazzOnly = await make({ title: `Jazz brunch ${word}`, tags: [] });
      assert.deepEqual(await searchIds(app, `${word} cafe`), [cafe]);
      assert.deepEqual(await searchIds(app, `CAFÉ ${word}`), [cafe]);
      assert.deepEqual((await searchIds(app, `${word} ja`)).sort(), [cafe, jazzOnly].sort());
      assert.deepEqual(await searchIds(app, `${word} jazz BRUN`), [jazzOnly]);
      // The last word begins title and tag words; description words match whole, accents folded.
      assert.deepEqual(await searchIds(app, `${word} jazz bru`), [jazzOnly]);
      assert.deepEqual(await searchIds(app, `${word} creme BRULEE`), [cafe]);
      assert.deepEqual(await searchIds(app, `${word} jazz opera`), []);
      // The prefix applies to the last word only.
      assert.deepEqual(await searchIds(app, `ja ${word}`), []);
    });

    it('finds an event by its new words once its title, description or tags change, and no longer by the old ones', async () => {
      const [old, fresh, tag] = [uniqueWord('old'), uniqueWord('new'), uniqueWord('tag')];
      const id = await make({ title: `${old} gathering`, tags: [] });
      assert.deepEqual(await searchIds(app, old), [id]);
      const result = await app.gql('mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }', { id, input: { title: `${fresh} gathering`, tags: [tag] } }, host);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.deepEqual(await searchIds(app, old), []);
      assert.deepEqual(await searchIds(app, fresh), [id]);
      assert.deepEqual(await searchIds(app, tag.slice(0, 6)), [id]);
    });

    it('narrows by the filter of events plus a circle, and leaves out cancelled events unless asked', async () => {
      const word = uniqueWord();
      const otherHost = uniqueUser('other');
      const music = await make({ title: `${word} concert`, categoryId: 'music', tags: ['loud', 'live'] });
      const food = await make({ title: `${word} dinner`, categoryId: 'food', tags: ['live'], startsAt: inHours(100), endsAt: inHours(102) });
      const far = await make({ title: `${word} far away`, categoryId: 'music' }, offset(place, 30));
      const online = await createAt(app, host, null, { title: `${word} online`, categoryId: 'music' });
      const others = await createAt(app, otherHost, place, { title: `${word} by another host` });
      const cancelled = await make({ title: `${word} called off` });
      await app.gql('mutation($id: ID!) { cancelEvent(id: $id) { id } }', { id: cancelled }, host);

      const ids = (filter: Record<string, unknown>) => searchIds(app, word, undefined, filter).then((found) => found.sort());
      assert.deepEqual(await ids({ categoryId: 'music' }), [music, far, online].sort());
      assert.deepEqual(await ids({ tags: ['LIVE', 'loud'] }), [music]);
      assert.deepEqual(await ids({ hostId: otherHost }), [others]);
      assert.deepEqual(await ids({ startsAfter: inHours(50), startsBefore: inHours(150) }), [food]);
      assert.deepEqual(await ids({ near: place, radiusKm: 5 }), [music, food, others].sort());
      assert.deepEqual(await ids({ near: place, radiusKm: 40, categoryId: 'music' }), [music, far].sort());
      assert.deepEqual(await ids({ status: 'CANCELLED' }), [cancelled]);
      assert.ok(!(await ids({})).includes(cancelled));
    });

    it('finds events stored before search existed once their lookup fields are written (at start-up)', async () => {
      const word = uniqueWord();
      const [older] = demoEvents(1);
      const id = `${word}-older`;
      const schedule = { startsAt: new Date(inHours(30)), endsAt: new Date(inHours(32)) };
      await app.deps.store.collection<StoredDocument & Record<string, unknown>>('events').insertOne({ ...older!, ...schedule, _id: id, title: `${word} from before`, hostId: host, privacy: 'PUBLIC', location: locationAt(place), outbox: {}, outboxCount: 0 });
      assert.deepEqual(await searchIds(app, word), []);
      assert.ok((await app.deps.events.backfillLookups()) >= 1);
      assert.deepEqual(await searchIds(app, word), [id]);
      assert.deepEqual(await nearbyIds(app, place, 0.5).then((ids) => ids.includes(id)), true);
    });

    it('pages through the ranking with cursors, without repeats or gaps', async () => {
      const word = uniqueWord();
      const made = [];
      for (let i = 0; i < 7; i++) made.push(await make({ title: `${word} meetup ${i}`, startsAt: inHours(10 + i), endsAt: inHours(11 + i) }));
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 4; page++) {
        const result = await search(app, word, undefined, null, 3, after);
        const connection = result.data!.searchEvents;
        assert.equal(connection.totalCount, 7);
        seen.push(...connection.edges.map((edge) => edge.node.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      assert.deepEqual(seen, made);
      const wrong = await search(app, word, undefined, null, 3, 'not-a-cursor');
      assert.equal(wrong.errors?.[0]?.extensions?.field, 'after');
    });

    it('refuses an empty query, one over 200 characters or without word characters, and bad circles, naming the field', async () => {
      for (const [query, filter, field] of [
        ['', null, 'query'],
        ['   ', null, 'query'],
        ['x'.repeat(201), null, 'query'],
        ['¿¡ -- !?', null, 'query'],
        ['jazz', { near: { lat: 95, lng: 0 } }, 'filter.near.lat'],
        ['jazz', { near: { lat: 0, lng: 0 }, radiusKm: 501 }, 'filter.radiusKm'],
        ['jazz', { tags: Array.from({ length: 11 }, (_, i) => `tag${i}`) }, 'filter.tags'],
      ] as const) {
        const result = await search(app, query, undefined, filter);
        assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${JSON.stringify(query)} ${JSON.stringify(filter)}`);
        assert.equal(result.errors?.[0]?.extensions?.field, field);
      }
    });
  });
}

describe('the search rate-limit bucket', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ mode: 'embedded', env: { RATE_LIMIT_SEARCH_PER_HOUR: '3' } });
  });
  after(() => app.stop());

  it('is drawn on by searchEvents and nearbyEvents together, per caller', async () => {
    const user = uniqueUser('searcher');
    const near = `query { nearbyEvents(near: { lat: 1, lng: 1 }) { totalCount } }`;
    assert.equal((await search(app, 'jazz', user)).errors, undefined);
    assert.equal((await app.gql(near, {}, user)).errors, undefined);
    assert.equal((await search(app, 'jazz', user)).errors, undefined);
    const refused = await app.gql(near, {}, user);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.equal(refused.errors?.[0]?.extensions?.bucket, 'search');
    assert.equal((await search(app, 'jazz', uniqueUser('other'))).errors, undefined);
  });
});
