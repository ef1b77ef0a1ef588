import type { EventPage, EventRecord, EventStatus } from '../domain/events/model.js';
import type { RsvpCounts } from '../domain/rsvps/model.js';
import { inIdOrder, type DocumentCollection, type DocumentStore, type Filter, type Update } from './documents.js';
import { keysetAfter, keysetSort } from './keyset.js';
import type { OutboxFields, OutboxMessage, OutboxWriter } from './outbox.js';
import { timeCursor, type TimePosition } from './paging.js';

export const EVENTS = 'events';

/**
 * Lookup fields kept with each event, worked out from fields of its own (search tokens,
 * geohash cells): written on insert and whenever one of their sources changes, so they
 * can be indexed on any MongoDB-compatible store.
 */
export interface LookupFields {
  /** The event fields they are worked out from: a change of any of them rewrites them all. */
  readonly sources: readonly (keyof EventRecord)[];
  of(event: EventRecord): Record<string, unknown>;
}

/** An event's trending score as stored: its decayed `score` as of `at`, and `rank` to order by (see domain/discovery/scoring.ts). */
export interface StoredTrend {
  score: number;
  at: Date;
  rank: number;
}

interface DiscoveryFields {
  searchTokens?: string[];
  geoCells?: string[];
  trend?: StoredTrend;
}

type EventDocument = EventRecord & OutboxFields & DiscoveryFields;

/** Listings of discovery: the same criteria as `events` plus a time window on the end. */
export interface DiscoveryCriteria extends EventCriteria {
  /** Not ended by then. */
  endsAfter?: Date;
  /** Any status but this one. */
  statusNot?: EventStatus;
  /** With a venue in one of these geohash cells. */
  inCells?: readonly string[];
}

/** Which side of `now` a search reads, and how many matches at most. */
export interface SearchWindow {
  side: 'upcoming' | 'past';
  now: Date;
  limit: number;
}

/** An event and the ranking fields stored with it. */
export interface RankedEvent {
  event: EventRecord;
  trend: StoredTrend | null;
}

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
  /**
   * The viewer's friends; `'unchecked'` reads FRIENDS events of every host, for a caller
   * that learns the friends afterwards and drops the rest itself (one graph query per request).
   */
  friendIds: readonly string[] | 'unchecked';
  /** Events the viewer was invited to or answered. */
  memberEventIds: readonly string[];
}

/** How one answer moves an event's counts: deltas per count, free seats, a waitlist number. */
export interface CountsMove {
  counts: Partial<RsvpCounts>;
  /** Change of `seatsLeft` (−1 claims a seat, +1 frees one). */
  seatsLeft?: number;
  /** Hands out the next waitlist number (read back from the returned event). */
  takeWaitlistNumber?: boolean;
  at: Date;
}

/** What must still hold for a counts move to apply; a miss means the plan is made again. */
export interface CountsGuard {
  /** The capacity the move was planned with. */
  capacity: number | null;
  /** Only while a seat is free. */
  requireFreeSeat?: boolean;
}

/** What must still hold for `changeDetails`: nobody changed the event, and (for a capacity change) no seat moved. */
export interface DetailsGuard {
  updatedAt: Date;
  going?: number;
  seatsLeft?: number | null;
}

/** The fields of an event that `changeDetails` may set. */
export type EventDetails = Partial<Omit<EventRecord, '_id' | 'hostId' | 'coHostIds' | 'status' | 'stats' | 'deleted' | 'createdAt'>>;

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

function discoveryFilter(criteria: DiscoveryCriteria, scope: VisibilityScope): Filter[] {
  const terms: Filter[] = [{ deleted: false }, visibilityFilter(scope), ...criteriaFilter(criteria)];
  if (criteria.endsAfter) terms.push({ endsAt: { $gt: criteria.endsAfter } });
  if (criteria.statusNot) terms.push({ status: { $ne: criteria.statusNot } });
  if (criteria.inCells) terms.push({ geoCells: { $in: [...criteria.inCells] } });
  return terms;
}

export function visibilityFilter(scope: VisibilityScope): Filter {
  if (!scope.viewerId) return { privacy: 'PUBLIC' };
  const anyOf: Filter[] = [{ privacy: 'PUBLIC' }, { hostId: scope.viewerId }, { coHostIds: scope.viewerId }];
  if (scope.friendIds === 'unchecked') anyOf.push({ privacy: 'FRIENDS' });
  else if (scope.friendIds.length > 0) anyOf.push({ privacy: 'FRIENDS', hostId: { $in: [...scope.friendIds] } });
  if (scope.memberEventIds.length > 0) anyOf.push({ _id: { $in: [...scope.memberEventIds] } });
  return { $or: anyOf };
}

function incCounts(counts: Partial<RsvpCounts>): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const [stat, delta] of Object.entries(counts)) if (delta) inc[`stats.${stat}`] = delta;
  return inc;
}

/**
 * Told of every write to an event, once the store answered (or failed: the write may have
 * landed): its counts only (`details` false), or details that may move it in lists.
 */
export type EventChangeListener = (eventId: string, details: boolean) => void;

/**
 * Events, each changed by one conditional update by `_id` that carries its domain events
 * into the document's outbox. Methods name what they do; the query shapes stay here.
 */
export class EventRepository {
  private readonly events: DocumentCollection<EventDocument>;
  private readonly listeners: EventChangeListener[] = [];

  constructor(
    store: DocumentStore,
    private readonly outbox: OutboxWriter,
    private readonly lookups: LookupFields | null = null,
  ) {
    this.events = store.collection<EventDocument>(EVENTS);
  }

  /** Caches of what events look like (the response cache) learn of changes here. */
  onChange(listener: EventChangeListener): void {
    this.listeners.push(listener);
  }

  ensureIndexes() {
    return this.events.createIndexes([
      // Discovery's lookups first: among index ranges of equal size, the embedded store
      // takes the first, and a token or a cell narrows far more than a status.
      { key: { searchTokens: 1, startsAt: 1, _id: 1 }, name: 'searchTokens_startsAt' },
      { key: { geoCells: 1, endsAt: 1 }, name: 'geoCells_endsAt' },
      { key: { 'trend.rank': -1, _id: -1 }, name: 'trendRank' },
      { key: { endsAt: 1, _id: 1 }, name: 'endsAt_id' },
      { key: { startsAt: 1, _id: 1 }, name: 'startsAt_id' },
      { key: { hostId: 1, startsAt: 1 }, name: 'host_startsAt' },
      { key: { coHostIds: 1, startsAt: 1 }, name: 'coHosts_startsAt' },
      { key: { categoryId: 1, startsAt: 1 }, name: 'category_startsAt' },
      { key: { status: 1, startsAt: 1 }, name: 'status_startsAt' },
      // With categories, the two halves of an interests query ($or of tags and categories), each read soonest first.
      { key: { tags: 1, startsAt: 1 }, name: 'tags_startsAt' },
      { key: { outboxCount: 1 }, name: 'outboxCount' },
      { key: { rsvpChangedAt: 1 }, name: 'rsvpChangedAt' },
    ]);
  }

  // Reads

  /** Live (not deleted) events in the order of `ids`, null where missing; one round trip. */
  async findByIds(ids: readonly string[]): Promise<(EventRecord | null)[]> {
    if (ids.length === 1) return [await this.findById(ids[0]!)];
    return inIdOrder(ids, await this.events.find({ _id: { $in: [...ids] }, deleted: false }));
  }

  /**
   * By `_id` alone, `deleted` checked here: FerretDB 1.24 (SQLite) looks up a document by a
   * plain `_id` equality and reads the whole collection for any other filter (measured:
   * 17 ms against 165 ms with 1,000 events).
   */
  async findById(id: string): Promise<EventRecord | null> {
    const event = await this.events.findOne({ _id: id });
    return event && !event.deleted ? event : null;
  }

  /** One page in (startsAt, id) order: one round trip, plus one for totalCount when asked. */
  async page(criteria: EventCriteria, scope: VisibilityScope, first: number, position: TimePosition | null): Promise<EventPage> {
    const base: Filter[] = [{ deleted: false }, visibilityFilter(scope), ...criteriaFilter(criteria)];
    const paged = position ? [...base, keysetAfter('startsAt', position, 'asc')] : base;
    const rows = await this.events.find({ $and: paged }, { sort: keysetSort('startsAt', 'asc'), limit: first + 1 });
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      cursorOf: (event) => timeCursor.encode({ time: event.startsAt, id: event._id }),
      count: () => this.events.count({ $and: base }),
    };
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

  /** Active events starting in (from, to], soonest first (ties by id), in pages of `pageSize`. */
  startingBetween(from: Date, to: Date, pageSize: number): AsyncGenerator<EventRecord[]> {
    return this.pagesByTime('startsAt', { deleted: false, status: 'ACTIVE', startsAt: { $gt: from, $lte: to } }, pageSize);
  }

  /** What an operator asks for: live events, active ones, and those starting within [dayStart, dayEnd). */
  async totals(dayStart: Date, dayEnd: Date): Promise<{ events: number; active: number; startingToday: number }> {
    const [events, active, startingToday] = await Promise.all([
      this.events.count({ deleted: false }),
      this.events.count({ deleted: false, status: 'ACTIVE' }),
      this.events.count({ deleted: false, startsAt: { $gte: dayStart, $lt: dayEnd } }),
    ]);
    return { events, active, startingToday };
  }

  /**
   * Events matching every token (an index range on one of them), on one side of `now`:
   * upcoming soonest first, or past latest first; at most `window.limit`.
   */
  searchMatches(tokens: readonly string[], criteria: DiscoveryCriteria, scope: VisibilityScope, window: SearchWindow): Promise<EventRecord[]> {
    const side: Filter = window.side === 'upcoming' ? { startsAt: { $gt: window.now } } : { startsAt: { $lte: window.now } };
    const order = window.side === 'upcoming' ? 1 : -1;
    return this.events.find(
      { $and: [...discoveryFilter(criteria, scope), side, ...tokens.map((token) => ({ searchTokens: token }))] },
      { sort: { startsAt: order, _id: order }, limit: window.limit },
    );
  }

  /** Events with a venue in any of the geohash `cells` (a superset of a circle), at most `limit`. */
  inCells(cells: readonly string[], criteria: DiscoveryCriteria, scope: VisibilityScope, limit: number): Promise<EventRecord[]> {
    return this.events.find({ $and: discoveryFilter({ ...criteria, inCells: cells }, scope) }, { limit });
  }

  /** The events with the highest trending rank after `after` (rank, then id, both descending), from the store. */
  async topTrending(criteria: DiscoveryCriteria, scope: VisibilityScope, limit: number, after?: { rank: number; id: string }): Promise<RankedEvent[]> {
    const terms = [...discoveryFilter(criteria, scope), { 'trend.rank': { $exists: true } }];
    if (after) terms.push({ $or: [{ 'trend.rank': { $lt: after.rank } }, { 'trend.rank': after.rank, _id: { $lt: after.id } }] });
    const rows = await this.events.find({ $and: terms }, { sort: { 'trend.rank': -1, _id: -1 }, limit });
    return rows.map(ranked);
  }

  /** Events of any of the categories or tags, soonest first: candidates for recommendations. */
  matchingInterests(categoryIds: readonly string[], tags: readonly string[], criteria: DiscoveryCriteria, scope: VisibilityScope, limit: number): Promise<EventRecord[]> {
    const anyOf: Filter[] = [];
    if (categoryIds.length > 0) anyOf.push({ categoryId: { $in: [...categoryIds] } });
    if (tags.length > 0) anyOf.push({ tags: { $in: [...tags] } });
    if (anyOf.length === 0) return Promise.resolve([]);
    return this.events.find({ $and: [...discoveryFilter(criteria, scope), { $or: anyOf }] }, { sort: keysetSort('startsAt', 'asc'), limit });
  }

  /** An event with its stored trend; null when it does not exist. */
  async findRanked(id: string): Promise<RankedEvent | null> {
    const row = await this.events.findOne({ _id: id, deleted: false });
    return row && ranked(row);
  }

  /** Events that have not ended, with their trends, in pages (the trending warmer's full read). */
  async *notEndedRanked(now: Date, pageSize = 500): AsyncGenerator<RankedEvent[]> {
    for await (const rows of this.pagesByTime('endsAt', { deleted: false, status: 'ACTIVE', endsAt: { $gt: now } }, pageSize)) yield rows.map(ranked);
  }

  /** Events matching `filter` in (`field`, _id) order, in pages of `pageSize`: each page one read, from where the last one ended. */
  private async *pagesByTime(field: 'startsAt' | 'endsAt', filter: Filter, pageSize: number): AsyncGenerator<EventDocument[]> {
    let position: TimePosition | null = null;
    for (;;) {
      const terms: Filter[] = [filter];
      if (position) terms.push(keysetAfter(field, position, 'asc'));
      const rows: EventDocument[] = await this.events.find({ $and: terms }, { sort: keysetSort(field, 'asc'), limit: pageSize });
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      const last = rows.at(-1)!;
      position = { time: last[field], id: last._id };
    }
  }

  /**
   * Writes lookup fields into events stored without them (written before they existed),
   * `pageSize` at a time; returns how many it wrote.
   */
  async backfillLookups(pageSize = 500): Promise<number> {
    if (!this.lookups) return 0;
    let written = 0;
    for (;;) {
      const rows = await this.events.find({ searchTokens: { $exists: false } }, { limit: pageSize });
      for (const row of rows) await this.events.updateOne({ _id: row._id }, { $set: this.lookups.of(row) });
      written += rows.length;
      if (rows.length < pageSize) return written;
    }
  }

  /** Upcoming public active events per category, for category counts. */
  countUpcomingPublicByCategory(now: Date): Promise<Map<string, number>> {
    return this.events.countBy({ deleted: false, status: 'ACTIVE', privacy: 'PUBLIC', startsAt: { $gt: now } }, 'categoryId');
  }

  // Writes: each returns the event as it is after the change, or null when its condition no longer held.

  /** Inserts a new event together with its first domain events. */
  async insert(record: EventRecord, messages: readonly OutboxMessage[] = []): Promise<EventRecord> {
    const stored: EventDocument = { ...record, ...this.lookups?.of(record), ...this.outbox.onInsert(messages) };
    await this.changed(record._id, true, this.outbox.recording(this.events.insertOne(stored), messages, { collection: EVENTS, id: record._id }));
    return stored;
  }

  /** Inserts new events in one batch (demo and benchmark data), without domain events to publish. */
  async insertMany(records: readonly EventRecord[]): Promise<void> {
    if (records.length === 0) return;
    const stored: EventDocument[] = records.map((record) => ({ ...record, ...this.lookups?.of(record), ...this.outbox.onInsert([]) }));
    try {
      await this.events.insertMany(stored);
    } finally {
      for (const record of records) for (const listener of this.listeners) listener(record._id, true);
    }
  }

  /** Sets changed details of `current` while `expected` still holds (and rewrites the lookup fields they feed). */
  changeDetails(current: EventRecord, details: EventDetails, expected: DetailsGuard, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    const conditions: Filter = { updatedAt: expected.updatedAt };
    if (expected.going !== undefined) conditions['stats.going'] = expected.going;
    if (expected.seatsLeft !== undefined) conditions.seatsLeft = expected.seatsLeft;
    const lookups = this.lookups && this.lookups.sources.some((field) => field in details) ? this.lookups.of({ ...current, ...details }) : {};
    return this.change(current._id, { $set: { ...details, ...lookups } }, messages, conditions);
  }

  /** ACTIVE → CANCELLED with the reason. */
  cancel(id: string, reason: string | null, at: Date, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $set: { status: 'CANCELLED', cancellationReason: reason, updatedAt: at } }, messages, { status: 'ACTIVE' });
  }

  /** Hides the event; the relay removes the document once its outbox is flushed. */
  markDeleted(id: string, at: Date, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $set: { deleted: true, updatedAt: at } }, messages);
  }

  addCoHost(id: string, userId: string, at: Date, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $addToSet: { coHostIds: userId }, $set: { updatedAt: at } }, messages, { coHostIds: { $ne: userId } });
  }

  removeCoHost(id: string, userId: string, at: Date, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $pull: { coHostIds: userId }, $set: { updatedAt: at } }, messages, { coHostIds: userId });
  }

  /** Counts a new post, unless the event was cancelled meanwhile. */
  countPost(id: string): Promise<EventRecord | null> {
    return this.change(id, { $inc: { 'stats.posts': 1 } }, [], { status: { $ne: 'CANCELLED' } }, false);
  }

  uncountPost(id: string): Promise<EventRecord | null> {
    return this.change(id, { $inc: { 'stats.posts': -1 } }, [], {}, false);
  }

  /** Counts a share, with the message that reports it. */
  countShare(id: string, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $inc: { 'stats.shares': 1 } }, messages, {}, false);
  }

  /** Adds unique views, with the message that reports them. */
  countViews(id: string, views: number, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, { $inc: { 'stats.views': views } }, messages, {}, false);
  }

  /** Stores a new trend if the stored one is still `expected` (null: none yet); false when another writer came first. */
  async recordTrend(id: string, next: StoredTrend, expected: StoredTrend | null): Promise<boolean> {
    const condition: Filter = expected ? { 'trend.score': expected.score, 'trend.at': expected.at } : { trend: { $exists: false } };
    const { matched } = await this.events.updateOne({ _id: id, deleted: false, ...condition }, { $set: { trend: next } });
    return matched === 1;
  }

  /**
   * Moves answer counts (and free seats, and the waitlist counter) in one update that
   * also bumps `countsVersion`, while `guard` (if any) still holds.
   */
  moveCounts(id: string, move: CountsMove, guard: CountsGuard | null, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    const inc: Record<string, number> = { ...incCounts(move.counts), countsVersion: 1 };
    if (move.seatsLeft) inc.seatsLeft = move.seatsLeft;
    if (move.takeWaitlistNumber) inc.waitlistSeq = 1;
    const conditions: Filter = guard ? { capacity: guard.capacity, ...(guard.requireFreeSeat ? { seatsLeft: { $gt: 0 } } : {}) } : {};
    return this.change(id, { $inc: inc, $set: { rsvpChangedAt: move.at } }, messages, conditions, false);
  }

  /** Records domain events about the event without changing anything else (e.g. messages written late). */
  announce(id: string, messages: readonly OutboxMessage[]): Promise<EventRecord | null> {
    return this.change(id, {}, messages);
  }

  /** The live event and the ids of its messages not yet published; null when it is gone. */
  async findWithPendingMessages(id: string): Promise<{ event: EventRecord; pending: ReadonlySet<string> } | null> {
    const event = await this.events.findOne({ _id: id, deleted: false });
    return event ? { event, pending: new Set(Object.keys(event.outbox ?? {})) } : null;
  }

  /** Writes counts recomputed from the answer records, if the event still holds the ones they replace. */
  setCounts(
    id: string,
    counts: RsvpCounts,
    seatsLeft: number | null,
    expected: { counts: RsvpCounts; seatsLeft: number | null },
    messages: readonly OutboxMessage[],
  ): Promise<EventRecord | null> {
    const prefixed = (values: RsvpCounts) => Object.fromEntries(Object.entries(values).map(([stat, n]) => [`stats.${stat}`, n]));
    return this.change(
      id,
      { $set: { ...prefixed(counts), seatsLeft }, $inc: { countsVersion: 1 } },
      messages,
      { ...prefixed(expected.counts), seatsLeft: expected.seatsLeft },
      false,
    );
  }

  private change(id: string, update: Update, messages: readonly OutboxMessage[], conditions: Filter = {}, details = true): Promise<EventRecord | null> {
    const write = this.events.findOneAndUpdate({ _id: id, deleted: false, ...conditions }, this.outbox.appendTo(update, messages));
    return this.changed(id, details, this.outbox.recording(write, messages, { collection: EVENTS, id }));
  }

  private async changed<T>(id: string, details: boolean, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      for (const listener of this.listeners) listener(id, details);
    }
  }
}

function ranked(row: EventDocument): RankedEvent {
  return { event: row, trend: row.trend ?? null };
}
