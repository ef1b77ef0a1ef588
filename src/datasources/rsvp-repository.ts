import type { RsvpRecord, RsvpStatus } from '../domain/rsvps/model.js';
import { DuplicateKeyError, inIdOrder, type DocumentCollection, type DocumentStore, type Filter } from './documents.js';
import { keysetAfter, keysetSort } from './keyset.js';
import { timeCursor, type Page, type TimePosition } from './paging.js';

export const RSVPS = 'rsvps';

export class RsvpRepository {
  private readonly rsvps: DocumentCollection<RsvpRecord>;

  constructor(store: DocumentStore) {
    this.rsvps = store.collection<RsvpRecord>(RSVPS);
  }

  ensureIndexes() {
    return this.rsvps.createIndexes([
      { key: { eventId: 1, bucket: 1, waitlistSeq: 1 }, name: 'event_bucket_seq' },
      { key: { eventId: 1, respondedAt: 1, _id: 1 }, name: 'event_respondedAt' },
      { key: { eventId: 1, status: 1, respondedAt: 1, _id: 1 }, name: 'event_status_respondedAt' },
      { key: { userId: 1, updatedAt: -1, _id: -1 }, name: 'user_updatedAt' },
      { key: { eventId: 1, updatedAt: 1 }, name: 'event_updatedAt' },
      { key: { updatedAt: 1 }, name: 'updatedAt' },
    ]);
  }

  async findByIds(ids: readonly string[]): Promise<(RsvpRecord | null)[]> {
    return inIdOrder(ids, await this.rsvps.find({ _id: { $in: [...ids] } }));
  }

  findById(id: string): Promise<RsvpRecord | null> {
    return this.rsvps.findOne({ _id: id });
  }

  /** Writes the whole answer (insert or replace of its fields). */
  async save(record: RsvpRecord): Promise<void> {
    const { _id, ...fields } = record;
    await this.rsvps.updateOne({ _id }, { $set: fields }, { upsert: true });
  }

  /**
   * Writes the answer unless it already has this status, in one round trip that also
   * returns what it replaced (null for a first answer); 'unchanged' when the status was
   * already this one (nothing written).
   */
  async saveChanged(record: RsvpRecord): Promise<{ previous: RsvpRecord | null } | 'unchanged'> {
    const { _id, ...fields } = record;
    try {
      const previous = await this.rsvps.findOneAndUpdate({ _id, status: { $ne: record.status } }, { $set: fields }, {
        upsert: true,
        returnDocument: 'before',
        likelyNew: true,
      });
      return { previous };
    } catch (error) {
      // The filter missed an existing answer with this status, so the upsert tried to insert it again.
      if (error instanceof DuplicateKeyError) return 'unchanged';
      throw error;
    }
  }

  /** Removes the answer and returns it as it was; null when there was none. One round trip. */
  remove(id: string): Promise<RsvpRecord | null> {
    return this.rsvps.findOneAndDelete({ _id: id });
  }

  /** Moves an answer out of the waitlist only if it is still there; false when it changed meanwhile. */
  async promote(id: string, at: Date, messageId: string): Promise<boolean> {
    const result = await this.rsvps.updateOne(
      { _id: id, bucket: 'WAITLISTED' },
      { $set: { bucket: 'GOING', waitlistSeq: null, updatedAt: at, messageId } },
    );
    return result.matched === 1;
  }

  /** Places an answer in the waitlist after all (its event got a capacity while it was written). */
  async moveToWaitlist(id: string, waitlistSeq: number): Promise<void> {
    await this.rsvps.updateOne({ _id: id, bucket: 'GOING' }, { $set: { bucket: 'WAITLISTED', waitlistSeq } });
  }

  /** Events with answers changed at or after `since`, in one round trip. */
  async eventIdsChangedSince(since: Date): Promise<string[]> {
    return [...(await this.rsvps.countBy({ updatedAt: { $gte: since } }, 'eventId')).keys()];
  }

  /** Answers to an event changed at or after `since` (every answer when null). */
  changedSince(eventId: string, since: Date | null): Promise<RsvpRecord[]> {
    return this.rsvps.find(since ? { eventId, updatedAt: { $gte: since } } : { eventId });
  }

  async setCheckIn(id: string, state: RsvpRecord['checkIn'], by: string, at: Date): Promise<RsvpRecord | null> {
    return this.rsvps.findOneAndUpdate(
      { _id: id, bucket: 'GOING' },
      { $set: { checkIn: state, checkedInAt: at, checkedInBy: by } },
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.rsvps.deleteOne({ _id: id })) === 1;
  }

  firstWaitlisted(eventId: string): Promise<RsvpRecord | null> {
    return this.rsvps.find({ eventId, bucket: 'WAITLISTED' }, { sort: { waitlistSeq: 1 }, limit: 1 }).then((rows) => rows[0] ?? null);
  }

  /** The waitlists (answer ids in order) of several events, in one round trip. */
  async waitlists(eventIds: readonly string[]): Promise<Map<string, string[]>> {
    const queues = new Map<string, string[]>();
    if (eventIds.length === 0) return queues;
    const waiting = await this.rsvps.find({ eventId: { $in: [...eventIds] }, bucket: 'WAITLISTED' }, { sort: { waitlistSeq: 1 } });
    for (const rsvp of waiting) queues.set(rsvp.eventId, [...(queues.get(rsvp.eventId) ?? []), rsvp._id]);
    return queues;
  }

  /** Every answer recorded (registrations), for the operator's totals. */
  total(): Promise<number> {
    return this.rsvps.count({});
  }

  countByBucket(eventId: string): Promise<Map<string, number>> {
    return this.rsvps.countBy({ eventId }, 'bucket');
  }

  /** Everyone who answered an event, optionally only in some buckets. */
  answersTo(eventId: string, buckets?: readonly string[]): Promise<RsvpRecord[]> {
    return this.rsvps.find({ eventId, ...(buckets ? { bucket: { $in: [...buckets] } } : {}) });
  }

  /** Ids of the events a user answered, for privacy decisions. */
  async eventIdsOf(userId: string): Promise<string[]> {
    return (await this.rsvps.find({ userId })).map((rsvp) => rsvp.eventId);
  }

  /** Answers to an event, earliest first. */
  pageForEvent(eventId: string, status: RsvpStatus | null, first: number, position: TimePosition | null): Promise<Page<RsvpRecord>> {
    return this.page({ eventId, ...(status ? { status } : {}) }, 'respondedAt', 'asc', first, position);
  }

  /** A user's answers, latest change first. */
  pageForUser(userId: string, status: RsvpStatus | null, first: number, position: TimePosition | null): Promise<Page<RsvpRecord>> {
    return this.page({ userId, ...(status ? { status } : {}) }, 'updatedAt', 'desc', first, position);
  }

  private async page(
    base: Filter,
    field: 'respondedAt' | 'updatedAt',
    direction: 'asc' | 'desc',
    first: number,
    position: TimePosition | null,
  ): Promise<Page<RsvpRecord>> {
    const filter = position ? { $and: [base, keysetAfter(field, position, direction)] } : base;
    const rows = await this.rsvps.find(filter, { sort: keysetSort(field, direction), limit: first + 1 });
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      cursorOf: (rsvp) => timeCursor.encode({ time: rsvp[field], id: rsvp._id }),
      count: () => this.rsvps.count(base),
    };
  }
}
