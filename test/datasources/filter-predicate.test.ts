import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Query } from 'mingo';
import { compileFilter } from '../../src/datasources/filter-predicate.js';

const day = (n: number) => new Date(Date.UTC(2030, 0, n));

/** Shapes the repositories store: scalars, dates, arrays, nested counts, missing and null fields. */
const DOCS: Record<string, unknown>[] = [
  { _id: 'a', hostId: 'u1', coHostIds: ['u2', 'u3'], privacy: 'PUBLIC', startsAt: day(1), tags: ['x', 'y'], stats: { going: 3 }, seatsLeft: 2, deleted: false },
  { _id: 'b', hostId: 'u2', coHostIds: [], privacy: 'FRIENDS', startsAt: day(2), tags: ['y'], stats: { going: 0 }, seatsLeft: null, deleted: false },
  { _id: 'c', hostId: 'u3', coHostIds: ['u1'], privacy: 'PRIVATE', startsAt: day(3), tags: [], stats: { going: 7 }, deleted: true },
  { _id: 'd', hostId: 'u1', privacy: 'PUBLIC', startsAt: day(4), tags: ['z'], stats: { going: 1 }, seatsLeft: 0, deleted: false, status: 'CANCELLED' },
  { _id: 'e', hostId: 'u4', coHostIds: ['u1'], privacy: 'PUBLIC', startsAt: '2030-01-05', tags: 'x', deleted: false, outbox: { m1: { type: 't' } } },
  { _id: 'f', hostId: 'u5', privacy: 'PUBLIC', startsAt: day(6), tags: ['y', 'y'], items: [{ n: 1 }, { n: 2, at: day(2) }, 'loose'], stats: null },
];

const FILTERS: Record<string, unknown>[] = [
  { hostId: 'u1' },
  { coHostIds: 'u1' },
  { coHostIds: { $ne: 'u1' } },
  { tags: { $all: ['x', 'y'] } },
  { tags: { $all: ['x'] } },
  { tags: { $in: ['z', 'x'] } },
  { tags: { $nin: ['y'] } },
  { seatsLeft: null },
  { seatsLeft: { $gt: 0 } },
  { seatsLeft: { $ne: null } },
  { seatsLeft: { $exists: false } },
  { 'stats.going': { $gte: 1, $lt: 7 } },
  { 'stats.going': 0 },
  { startsAt: { $gt: day(2) } },
  { startsAt: { $lte: day(3) } },
  { startsAt: { $gt: '2030-01-01' } },
  { status: { $ne: 'CANCELLED' } },
  { 'outbox.m1': { $exists: true } },
  { $and: [{ deleted: false }, { $or: [{ privacy: 'PUBLIC' }, { hostId: 'u2' }, { coHostIds: 'u2' }] }] },
  { $or: [{ privacy: 'FRIENDS', hostId: { $in: ['u2', 'u9'] } }, { _id: { $in: ['c'] } }] },
  { deleted: false, privacy: 'PUBLIC', startsAt: { $gt: day(1), $lte: day(5) } },
  { _id: { $gt: 'b' } },
  { tags: { $in: ['y', 'y', 'q'] } },
  { tags: { $in: [] } },
  { tags: { $nin: [] } },
  { seatsLeft: { $in: [null, 2] } },
  { startsAt: { $in: [day(2), day(6), '2030-01-05'] } },
  { 'items.n': 2 },
  { 'items.n': { $gte: 1 } },
  { 'items.at': { $lt: day(3) } },
  { 'items.n': { $exists: false } },
  { 'stats.going': null },
  { $or: [{ 'items.n': { $in: [1, 3] } }, { tags: 'z' }], privacy: 'PUBLIC' },
];

describe('embedded store filters as plain functions', () => {
  it('match the same documents as mingo for every filter shape the repositories write', () => {
    for (const filter of FILTERS) {
      const compiled = compileFilter(filter);
      assert.ok(compiled, `compiled ${JSON.stringify(filter)}`);
      const query = new Query(filter);
      const expected = DOCS.filter((doc) => query.test(doc)).map((doc) => doc._id);
      assert.deepEqual(DOCS.filter((doc) => compiled(doc)).map((doc) => doc._id), expected, JSON.stringify(filter));
    }
  });

  it('leave to mingo the filters they do not handle', () => {
    assert.equal(compileFilter({ title: { $regex: '^a' } }), null);
    assert.equal(compileFilter({ location: { name: 'x' } }), null);
    assert.equal(compileFilter({ tags: ['x', 'y'] }), null);
    assert.equal(compileFilter({ $nor: [{ hostId: 'u1' }] }), null);
  });
});
