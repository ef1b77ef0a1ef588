import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Query } from 'mingo';
import type { Filter, SortSpec } from '../../src/datasources/documents.js';
import { EmbeddedDocumentStore, type QueryReport } from '../../src/datasources/embedded/embedded-document-store.js';

interface Thing {
  _id: string;
  cat?: string | null;
  tags?: string[] | string;
  status: string;
  privacy: string;
  at?: Date | null;
  end: Date;
  cells: string[];
}

/** A small deterministic generator, so a failure names a data set that can be read again. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const CATS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
const TAGS = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'];
const CELLS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const hour = (n: number) => new Date(Date.UTC(2030, 0, 1) + n * 3_600_000);
const NOW = hour(40);

/**
 * Documents shaped like events, with what trips a planner: few distinct times (many ties),
 * tags as arrays with repeats, as a lone string, empty or missing, categories null or missing.
 */
function things(count: number, random: () => number): Thing[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const at = hour(Math.floor(random() * 60));
    const shape = random();
    const tags = shape < 0.1 ? undefined : shape < 0.2 ? pick(TAGS) : shape < 0.3 ? [] : Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(TAGS));
    const thing: Thing = {
      _id: `thing-${String(i).padStart(4, '0')}`,
      cat: random() < 0.05 ? null : pick(CATS),
      status: random() < 0.9 ? 'ACTIVE' : 'CANCELLED',
      privacy: random() < 0.8 ? 'PUBLIC' : 'FRIENDS',
      at: random() < 0.03 ? null : at,
      end: new Date(at.getTime() + Math.floor(random() * 6) * 3_600_000),
      cells: Array.from({ length: Math.floor(random() * 3) }, () => pick(CELLS)),
      ...(tags === undefined ? {} : { tags }),
    };
    if (random() < 0.03) delete thing.cat;
    return thing;
  });
}

/** Some of `values`, perhaps none, perhaps one twice. */
function someOf(values: readonly string[], random: () => number): string[] {
  const chosen = values.filter(() => random() < 0.3);
  if (chosen.length > 0 && random() < 0.3) chosen.push(chosen[0]!);
  return chosen;
}

/** What mingo, which knows nothing of indexes, answers. */
function expected(docs: readonly Thing[], filter: Filter, sort: SortSpec | undefined, skip: number, limit: number | undefined): string[] {
  let cursor = new Query(filter).find(docs as Thing[]);
  if (sort) cursor = cursor.sort(sort);
  if (skip) cursor = cursor.skip(skip);
  if (limit !== undefined) cursor = cursor.limit(limit);
  return (cursor.all() as Thing[]).map((doc) => doc._id);
}

describe('embedded store query plans: index ranges, unions and ordered merges answer as a scan would', () => {
  const random = sequence(7);
  const docs = things(3_000, random);
  const reports: QueryReport[] = [];
  const store = new EmbeddedDocumentStore({ onQuery: (report) => reports.push(report) });
  const collection = store.collection<Thing>('things');
  const last = () => reports.at(-1)!;

  before(async () => {
    // Named by their fields, as the repositories' are.
    const keys: Record<string, 1>[] = [{ cells: 1, end: 1 }, { end: 1, _id: 1 }, { at: 1, _id: 1 }, { cat: 1, at: 1 }, { status: 1, at: 1 }, { tags: 1, at: 1 }];
    await collection.createIndexes(keys.map((key) => ({ key, name: Object.keys(key).join('_') })));
    await collection.insertMany(docs);
  });

  /** The interests query's shape: shared terms, a visibility $or no index serves, and an $or of $in on two indexed fields. */
  const interests = (cats: string[], tags: string[], extra: Filter[] = []): Filter => ({
    $and: [{ status: 'ACTIVE' }, { $or: [{ privacy: 'PUBLIC' }, { cat: 'c0' }] }, { end: { $gt: NOW } }, { $or: [{ cat: { $in: cats } }, { tags: { $in: tags } }] }, ...extra],
  });

  it('answers random interests queries (ties, $in with repeats or empty, array fields) in the order and page a scan gives', async () => {
    for (let round = 0; round < 150; round++) {
      const filter = interests(someOf(CATS, random), someOf(TAGS, random));
      const direction = random() < 0.7 ? 1 : -1;
      const sort = { at: direction, _id: direction } as SortSpec;
      const skip = random() < 0.2 ? Math.floor(random() * 10) : 0;
      const limit = random() < 0.1 ? undefined : 1 + Math.floor(random() * 60);
      const found = await collection.find(filter, { sort, skip, ...(limit === undefined ? {} : { limit }) });
      assert.deepEqual(
        found.map((doc) => doc._id),
        expected(docs, filter, sort, skip, limit),
        JSON.stringify({ filter, sort, skip, limit }),
      );
    }
  });

  it('reads $in on a compound index prefix in the order of its next field, without an $or', async () => {
    for (let round = 0; round < 60; round++) {
      const filter = { cat: { $in: someOf(CATS, random) }, status: 'ACTIVE' };
      const sort: SortSpec = random() < 0.5 ? { at: 1, _id: 1 } : { at: -1, _id: -1 };
      const found = await collection.find(filter, { sort, limit: 25 });
      assert.deepEqual(
        found.map((doc) => doc._id),
        expected(docs, filter, sort, 0, 25),
      );
      assert.equal(last().index, 'cat_at');
    }
  });

  it('pages an $or of indexed terms by keyset like a scan, each document once', async () => {
    const base = interests(['c1', 'c2'], ['t3', 't3', 't5']);
    const sort: SortSpec = { at: 1, _id: 1 };
    const pages: string[] = [];
    let after: Thing | null = null;
    for (;;) {
      const position: Filter[] = after ? [{ $or: [{ at: { $gt: after.at } }, { at: after.at, _id: { $gt: after._id } }] }] : [];
      const page = await collection.find({ $and: [base, ...position] }, { sort, limit: 9 });
      pages.push(...page.map((doc) => doc._id));
      if (page.length < 9) break;
      after = page.at(-1)!;
    }
    assert.deepEqual(pages, expected(docs, base, sort, 0, undefined));
    assert.equal(new Set(pages).size, pages.length);
  });

  it('finds nothing through an empty $in, and reads no document for it', async () => {
    assert.deepEqual(await collection.find(interests([], []), { sort: { at: 1, _id: 1 }, limit: 10 }), []);
    assert.equal(last().examined, 0);
    assert.deepEqual(await collection.find({ cat: { $in: [] } }, { sort: { at: 1, _id: 1 } }), []);
    assert.equal(last().examined, 0);
  });

  it('stops an ordered merge after the page: documents tested grow with the limit, not with the collection', async () => {
    const filter = interests(['c1'], ['t2']);
    await collection.find(filter, { sort: { at: 1, _id: 1 }, limit: 5 });
    assert.equal(last().index, 'cat_at+tags_at');
    const small = last().examined;
    await collection.find(filter, { sort: { at: 1, _id: 1 }, limit: 50 });
    const large = last().examined;
    const matches = expected(docs, filter, undefined, 0, undefined).length;
    assert.ok(matches > 100, `the data set has ${matches} matches`);
    assert.ok(small < large && large < docs.length / 4, `examined ${small} for 5, ${large} for 50, of ${docs.length}`);
  });

  it('reads an $or of indexed terms as a union of ranges when no sort is asked, each document tested once', async () => {
    const filter = { $or: [{ cat: { $in: ['c3'] } }, { cells: 'u1' }], status: 'ACTIVE' };
    const all = expected(docs, filter, undefined, 0, undefined);
    assert.equal(await collection.count(filter), all.length);
    assert.equal(last().index, 'cat_at+cells_end');
    const inRanges = docs.filter((doc) => doc.cat === 'c3' || doc.cells.includes('u1')).length;
    assert.ok(last().examined <= inRanges && inRanges < docs.length / 2, `examined ${last().examined}, ${inRanges} in the ranges`);
    // Sorted, the cells branch has no range in that order: another plan, the same answer.
    const sorted = await collection.find(filter, { sort: { at: 1, _id: 1 }, limit: 30 });
    assert.deepEqual(
      sorted.map((doc) => doc._id),
      expected(docs, filter, { at: 1, _id: 1 }, 0, 30),
    );
  });

  it('falls back to one index when a branch of the $or has none, with the same answer', async () => {
    const filter = { $or: [{ cat: 'c2' }, { privacy: 'FRIENDS' }], status: 'ACTIVE' };
    const found = await collection.find(filter, { sort: { at: -1, _id: -1 }, limit: 30 });
    assert.deepEqual(
      found.map((doc) => doc._id),
      expected(docs, filter, { at: -1, _id: -1 }, 0, 30),
    );
    assert.equal(last().index, 'status_at');
  });

  it('ends a range at its upper bound: a window of times reads that window, whatever lies beyond it', async () => {
    for (let round = 0; round < 40; round++) {
      const from = Math.floor(random() * 55);
      const width = 1 + Math.floor(random() * 4);
      const upper = random() < 0.5 ? { $lt: hour(from + width) } : { $lte: hour(from + width) };
      const lower = random() < 0.5 ? { $gt: hour(from) } : { $gte: hour(from) };
      const filter = { $and: [{ status: 'ACTIVE' }, { at: { ...lower, ...upper } }] };
      const direction = random() < 0.7 ? 1 : -1;
      const sort = { at: direction, _id: direction } as SortSpec;
      const limit = random() < 0.5 ? undefined : 1 + Math.floor(random() * 40);
      const found = await collection.find(filter, { sort, ...(limit === undefined ? {} : { limit }) });
      assert.deepEqual(
        found.map((doc) => doc._id),
        expected(docs, filter, sort, 0, limit),
        `window ${JSON.stringify(filter)} sorted ${direction}, limit ${limit}`,
      );
      const inWindow = docs.filter((doc) => doc.at && doc.at >= hour(from) && doc.at <= hour(from + width)).length;
      assert.ok(last().examined <= inWindow, `examined ${last().examined}, ${inWindow} in the window`);
      // Unsorted and counted: the same range, from an equality prefix too.
      assert.equal(await collection.count(filter), expected(docs, filter, undefined, 0, undefined).length);
      assert.ok(last().examined <= inWindow, `counted with ${last().examined} examined, ${inWindow} in the window`);
      const cat = CATS[round % CATS.length]!;
      const inCategory = { cat, at: { ...lower, ...upper } };
      assert.deepEqual(
        (await collection.find(inCategory, { sort: { at: 1 } })).map((doc) => doc._id),
        expected(docs, inCategory, { at: 1, _id: 1 }, 0, undefined),
      );
      assert.equal(last().index, 'cat_at');
      assert.ok(last().examined <= inWindow, `category window: examined ${last().examined}, ${inWindow} in the window`);
    }
  });

  it('starts a keyset page at its position: documents tested grow with the page, not with how deep it is', async () => {
    const base = { status: 'ACTIVE', at: { $gte: hour(5), $lt: hour(55) } };
    const sort = { at: 1, _id: 1 } as SortSpec;
    const all = expected(docs, base, sort, 0, undefined);
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    const pageSize = 25;
    let position: Thing | null = null;
    let read: string[] = [];
    for (;;) {
      const filter: Filter = position
        ? { $and: [base, { $or: [{ at: { $gt: position.at } }, { at: position.at, _id: { $gt: position._id } }] }] }
        : base;
      const page = await collection.find(filter, { sort, limit: pageSize });
      // The page's lower bound holds every tie of the position's time, read and tested again.
      const ties = position ? docs.filter((doc) => doc.at?.getTime() === position!.at!.getTime()).length : 0;
      assert.ok(last().examined <= ties + 2 * pageSize, `page ${read.length / pageSize + 1}: examined ${last().examined}, ${ties} ties at its start`);
      read = read.concat(page.map((doc) => doc._id));
      if (page.length < pageSize) break;
      position = byId.get(page.at(-1)!._id)!;
    }
    assert.deepEqual(read, all);
    assert.ok(all.length > 20 * pageSize, `${all.length} documents in the pages`);
  });

  it('starts each cell of a nearby query at its lower bound on the next key field, and counts all matches alike', async () => {
    for (let round = 0; round < 40; round++) {
      const cells = someOf(CELLS, random);
      const filter = { $and: [{ status: 'ACTIVE' }, { end: { $gt: NOW } }, { cells: { $in: cells } }] };
      const all = expected(docs, filter, undefined, 0, undefined);
      const page = await collection.find(filter, { limit: 40 });
      assert.equal(last().index, 'cells_end');
      // Ended documents are below the range's start: only documents not ended are tested.
      const notEnded = docs.filter((doc) => doc.end > NOW && doc.cells.some((cell) => cells.includes(cell))).length;
      assert.ok(last().examined <= notEnded, `examined ${last().examined}, ${notEnded} not ended in those cells`);
      assert.equal(page.length, Math.min(40, all.length));
      assert.equal(new Set(page.map((doc) => doc._id)).size, page.length);
      assert.ok(page.every((doc) => all.includes(doc._id)));
      assert.equal(await collection.count(filter), all.length);
    }
  });
});

describe('embedded store query plans: an index range read once is read again after the index changes', () => {
  const docs = things(400, sequence(11));
  const store = new EmbeddedDocumentStore();
  const collection = store.collection<Thing>('things');
  const page = (cat: string) => collection.find({ cat, status: 'ACTIVE' }, { sort: { at: 1, _id: 1 }, limit: 10 });
  const current = new Map(docs.map((doc) => [doc._id, doc]));
  const scanned = (cat: string) => expected([...current.values()], { cat, status: 'ACTIVE' }, { at: 1, _id: 1 }, 0, 10);

  before(async () => {
    await collection.createIndexes([{ key: { cat: 1, at: 1 }, name: 'cat_at' }]);
    await collection.insertMany(docs);
  });

  it('finds a category page the same way before and after documents join, leave and move between categories', async () => {
    for (const cat of ['c1', 'c2']) assert.deepEqual((await page(cat)).map((doc) => doc._id), scanned(cat));
    const first = (await page('c1'))[0]!;
    const earliest: Thing = { _id: 'thing-new', cat: 'c1', status: 'ACTIVE', privacy: 'PUBLIC', at: hour(-1), end: hour(0), cells: [] };
    await collection.insertOne(earliest);
    current.set(earliest._id, earliest);
    await collection.updateOne({ _id: first._id }, { $set: { cat: 'c2' } });
    current.set(first._id, { ...first, cat: 'c2' });
    const second = (await page('c1'))[1]!;
    await collection.deleteOne({ _id: second._id });
    current.delete(second._id);
    for (const cat of ['c1', 'c2']) assert.deepEqual((await page(cat)).map((doc) => doc._id), scanned(cat));
    assert.equal((await page('c1'))[0]!._id, 'thing-new');
  });
});
