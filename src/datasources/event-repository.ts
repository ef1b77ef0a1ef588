import type { EventPage, EventRecord, EventStatus } from '../domain/events/model.js';
import { encodeCursor, type PagePosition } from '../domain/pagination.js';
import { inIdOrder, type DocumentCollection, type DocumentStore, type Filter, type Update } from './documents.js';
import { keysetAfter, keysetSort } from './keyset.js';

export const EVENTS = 'events';

export interface EventCriteria {
  categoryId?: string;
  tagsAll?: string[];
  startsAfter?: Date;
  startsBefore?: Date;
  hostId?: string;
  coHostId?: string;
  hostOrCoHostId?: string;
  status?: EventStatus;
}

/** What the viewer may see: public events, their own, friends' FRIENDS events, and those they belong to. */
export interface VisibilityScope {
  viewerId: string | null;
  friendIds: readonly string[];
  /** Events the viewer was invited to or answered. */
  memberEventIds: readonly string[];
}

function criteriaFilter(criteria: EventCriteria): Filter[] {
  const terms: Filter[] = [];
  if (criteria.categoryId) terms.push({ categoryId: criteria.categoryId });
  if (criteria.tagsAll?.length) terms.push({ tags: { $all: criteria.tagsAll } });
  if (criteria.startsAfter) terms.push({ startsAt: { $gt: criteria.startsAfter } });
  if (criteria.startsBefore) terms.push({ startsAt: { $lt: criteria.startsBefore } });
  if (criteria.hostId) terms.push({ hostId: criteria.hostId });
  if (criteria.coHostId) terms.push({ coHostIds: criteria.coHostId });
  if (criteria.hostOrCoHostId) terms.push({ $or: [{ hostId: criteria.hostOrCoHostId }, { coHostIds: criteria.hostOrCoHostId }] });
  if (criteria.status) terms.push({ status: criteria.status });
  return terms;
}

export function visibilityFilter(scope: VisibilityScope): Filter {
  if (!scope.viewerId) return { privacy: 'PUBLIC' };
  const anyOf: Filter[] = [{ privacy: 'PUBLIC' }, { hostId: scope.viewerId }, { coHostIds: scope.viewerId }];
  if (scope.friendIds.length > 0) anyOf.push({ privacy: 'FRIENDS', hostId: { $in: [...scope.friendIds] } });
  if (scope.memberEventIds.length > 0) anyOf.push({ _id: { $in: [...scope.memberEventIds] } });
  return { $or: anyOf };
}


export class EventRepository {
  private readonly events: DocumentCollection<EventRecord>;

  constructor(store: DocumentStore) {
    this.events = store.collection<EventRecord>(EVENTS);
  }

  ensureIndexes() {
    return this.events.createIndexes([
      { key: { startsAt: 1, _id: 1 }, name: 'startsAt_id' },
      { key: { hostId: 1, startsAt: 1 }, name: 'host_startsAt' },
      { key: { coHostIds: 1, startsAt: 1 }, name: 'coHosts_startsAt' },
      { key: { categoryId: 1, startsAt: 1 }, name: 'category_startsAt' },
      { key: { status: 1, startsAt: 1 }, name: 'status_startsAt' },
      { key: { tags: 1 }, name: 'tags' },
      { key: { outboxCount: 1 }, name: 'outboxCount' },
      { key: { rsvpChangedAt: 1 }, name: 'rsvpChangedAt' },
    ]);
  }

  /** Live (not deleted) events in the order of `ids`, null where missing; one round trip. */
  async findByIds(ids: readonly string[]): Promise<(EventRecord | null)[]> {
    return inIdOrder(ids, await this.events.find({ _id: { $in: [...ids] }, deleted: false }));
  }

  findById(id: string): Promise<EventRecord | null> {
    return this.events.findOne({ _id: id, deleted: false });
  }

  /** One page in (startsAt, id) order: one round trip, plus one for totalCount when asked. */
  async page(criteria: EventCriteria, scope: VisibilityScope, first: number, position: PagePosition | null): Promise<EventPage> {
    const base: Filter[] = [{ deleted: false }, visibilityFilter(scope), ...criteriaFilter(criteria)];
    const paged = position ? [...base, keysetAfter('startsAt', position, 'asc')] : base;
    const rows = await this.events.find({ $and: paged }, { sort: keysetSort('startsAt', 'asc'), limit: first + 1 });
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      cursorOf: (event) => encodeCursor({ time: event.startsAt, id: event._id }),
      count: () => this.events.count({ $and: base }),
    };
  }

  insert(record: EventRecord): Promise<void> {
    return this.events.insertOne(record);
  }

  /** Applies `update` when the live event still matches `conditions`; null otherwise. */
  update(id: string, update: Update, conditions: Filter = {}): Promise<EventRecord | null> {
    return this.events.findOneAndUpdate({ _id: id, deleted: false, ...conditions }, update);
  }

  /** Ids of events whose answers changed since `since` (every event when null), in pages. */
  async *idsAnsweredSince(since: Date | null, pageSize = 500): AsyncGenerator<string> {
    let lastId = '';
    for (;;) {
      const filter: Filter = { _id: { $gt: lastId }, ...(since ? { rsvpChangedAt: { $gte: since } } : {}) };
      const page = await this.events.find(filter, { sort: { _id: 1 }, limit: pageSize });
      for (const event of page) yield event._id;
      if (page.length < pageSize) return;
      lastId = page.at(-1)!._id;
    }
  }

  /** Active events starting in (from, to], soonest first, at most `limit`. */
  startingBetween(from: Date, to: Date, limit: number): Promise<EventRecord[]> {
    return this.events.find({ deleted: false, status: 'ACTIVE', startsAt: { $gt: from, $lte: to } }, { sort: { startsAt: 1 }, limit });
  }

  /** Upcoming public active events per category, for category counts. */
  countUpcomingPublicByCategory(now: Date): Promise<Map<string, number>> {
    return this.events.countBy({ deleted: false, status: 'ACTIVE', privacy: 'PUBLIC', startsAt: { $gt: now } }, 'categoryId');
  }
}
