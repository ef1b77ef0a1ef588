import { KeyedQueue } from '../../concurrency/keyed-queue.js';
import type { Update } from '../../datasources/documents.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import { ConflictError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { rsvpsTotal } from '../../observability/metrics.js';
import { cloudEvent, type CloudEvent } from '../messaging/cloud-event.js';
import { withOutbox } from '../messaging/outbox.js';
import { BUCKETS, STAT_OF, rsvpId, type RsvpBucket, type RsvpCounts, type RsvpRecord, type RsvpStatus } from './model.js';

const MAX_ATTEMPTS = 5;
/** Promotions per call; a larger backlog is finished by the next call or the reconciler. */
const MAX_PROMOTIONS = 500;

export interface LedgerDeps {
  events: EventRepository;
  rsvps: RsvpRepository;
  logger: Logger;
  eventSource: string;
  /** Called after each committed change so its domain events leave at once. */
  committed: () => void;
  /**
   * Answers in flight have written the event but maybe not yet their record; counts
   * are recomputed only once the event's answers have been quiet this long.
   */
  settleMs: number;
}

export type ReconcileOutcome = 'repaired' | 'consistent' | 'unsettled' | 'missing';

/**
 * Moves answers and the event's counts without multi-document transactions.
 *
 * The event document is changed first, in one update that moves the counts, claims or
 * frees a seat and records the `event.rsvp` event in its outbox; the answer record is
 * written next. A crash between the two leaves counts that disagree with the records,
 * which `reconcile` repairs (counts always follow the records).
 */
export class RsvpLedger {
  private readonly perAnswer = new KeyedQueue();

  constructor(private readonly deps: LedgerDeps) {}

  /**
   * Sets the user's answer; GOING beyond capacity joins the waitlist.
   *
   * A seat is claimed on the event before the record says GOING, and released only
   * after the record says otherwise, so a crash between the two writes can leave a
   * seat unused until reconciliation but never seat more people than the capacity.
   */
  answer(eventId: string, userId: string, status: RsvpStatus): Promise<RsvpRecord> {
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const previous = await this.deps.rsvps.findById(id);
      if (previous?.status === status) return previous;
      const now = new Date();
      const record = (bucket: RsvpBucket, waitlistSeq: number | null): RsvpRecord => ({
        _id: id,
        eventId,
        userId,
        status,
        bucket,
        waitlistSeq,
        respondedAt: now,
        updatedAt: now,
        checkIn: null,
        checkedInAt: null,
        checkedInBy: null,
      });
      let saved: RsvpRecord;
      let freedSeat = false;
      if (previous?.bucket === 'GOING') {
        saved = record(status as RsvpBucket, null);
        await this.deps.rsvps.save(saved);
        ({ freedSeat } = await this.moveCounts(eventId, userId, previous, status, now));
      } else {
        const moved = await this.moveCounts(eventId, userId, previous, status, now);
        saved = record(moved.bucket, moved.waitlistSeq);
        await this.deps.rsvps.save(saved);
      }
      rsvpsTotal.inc({ status });
      if (freedSeat) await this.promoteWaitlist(eventId);
      return saved;
    });
  }

  /** Removes the user's answer (record first, then counts); a freed seat goes to the first in the waitlist. */
  withdraw(eventId: string, userId: string): Promise<boolean> {
    const id = rsvpId(eventId, userId);
    return this.perAnswer.run(id, async () => {
      const previous = await this.deps.rsvps.findById(id);
      if (!previous) return false;
      await this.deps.rsvps.delete(id);
      const { freedSeat } = await this.moveCounts(eventId, userId, previous, null, new Date());
      if (freedSeat) await this.promoteWaitlist(eventId);
      return true;
    });
  }

  /**
   * One conditional update of the event: leave the previous bucket, enter the next
   * (claiming a seat when GOING and one is free, else taking a waitlist number).
   * The capacity read is part of the condition, so a concurrent capacity change
   * makes the update miss and the plan is made again from a fresh read.
   */
  private async moveCounts(eventId: string, userId: string, previous: RsvpRecord | null, status: RsvpStatus | null, now: Date) {
    const from = previous?.bucket ?? null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const event = await this.deps.events.findById(eventId);
      if (!event) throw new ConflictError('the event no longer exists', 'eventId');
      const limited = event.capacity !== null;
      const freedSeat = from === 'GOING' && limited;
      const base: Update = {
        $inc: {
          ...(from ? { [`stats.${STAT_OF[from]}`]: -1 } : {}),
          ...(freedSeat ? { seatsLeft: 1 } : {}),
        },
        $set: { rsvpChangedAt: now },
      };
      const conditions = { capacity: event.capacity };
      const message = (waitlisted: boolean) => this.rsvpEvent(eventId, userId, previous?.status ?? null, status, waitlisted, now);

      if (status !== 'GOING') {
        const to = status as Exclude<RsvpBucket, 'GOING' | 'WAITLISTED'> | null;
        const update = to ? addInc(base, { [`stats.${STAT_OF[to]}`]: 1 }) : base;
        const done = await this.deps.events.update(eventId, withOutbox(update, [message(false)], { countsFromDocument: true }), conditions);
        if (done) return this.finish({ bucket: to ?? 'NOT_GOING', waitlistSeq: null, freedSeat });
        continue;
      }

      const seated = addInc(base, { 'stats.going': 1, ...(limited ? { seatsLeft: -1 } : {}) });
      const seatCondition = limited ? { ...conditions, seatsLeft: { $gt: 0 } } : conditions;
      const claimed = await this.deps.events.update(eventId, withOutbox(seated, [message(false)], { countsFromDocument: true }), seatCondition);
      if (claimed) return this.finish({ bucket: 'GOING' as const, waitlistSeq: null, freedSeat: false });
      if (!limited) continue;

      const waitlisted = addInc(base, { 'stats.waitlisted': 1, waitlistSeq: 1 });
      const queued = await this.deps.events.update(eventId, withOutbox(waitlisted, [message(true)], { countsFromDocument: true }), conditions);
      if (queued) return this.finish({ bucket: 'WAITLISTED' as const, waitlistSeq: queued.waitlistSeq, freedSeat: false });
    }
    throw new ConflictError('the event is changing too fast; retry', 'eventId');
  }

  private finish<T>(result: T): T {
    this.deps.committed();
    return result;
  }

  /** Seats free and people waiting: promote in waitlist order, each with a notification. */
  async promoteWaitlist(eventId: string): Promise<number> {
    let promoted = 0;
    while (promoted < MAX_PROMOTIONS) {
      const event = await this.deps.events.findById(eventId);
      if (!event || event.stats.waitlisted <= 0) break;
      if (event.capacity !== null && (event.seatsLeft ?? 0) <= 0) break;
      const next = await this.deps.rsvps.firstWaitlisted(eventId);
      if (!next) break;
      const now = new Date();
      const limited = event.capacity !== null;
      const claim: Update = {
        $inc: { 'stats.going': 1, 'stats.waitlisted': -1, ...(limited ? { seatsLeft: -1 } : {}) },
        $set: { rsvpChangedAt: now },
      };
      const counted = withOutbox(claim, [this.rsvpEvent(eventId, next.userId, 'GOING', 'GOING', false, now, true)], { countsFromDocument: true });
      const notification = cloudEvent(this.deps.eventSource, 'notification.event_waitlist_promoted', eventId, {
        eventId,
        userId: next.userId,
        title: event.title,
        startsAt: event.startsAt.toISOString(),
      }, now);
      const condition = limited ? { capacity: event.capacity, seatsLeft: { $gt: 0 } } : { capacity: null };
      const claimed = await this.deps.events.update(eventId, withOutbox(counted, [notification]), condition);
      if (!claimed) continue;
      this.deps.committed();
      if (await this.deps.rsvps.promote(next._id, now)) {
        promoted += 1;
        continue;
      }
      // The answer changed while we claimed its seat; give the seat back.
      await this.deps.events.update(eventId, {
        $inc: { 'stats.going': -1, 'stats.waitlisted': 1, ...(limited ? { seatsLeft: 1 } : {}) },
      });
    }
    return promoted;
  }

  /**
   * Recomputes the counts (and free seats) from the answer records and writes them
   * when they differ, guarded by the counts it read so a concurrent change is not
   * overwritten. Returns whether anything was repaired.
   */
  async reconcile(eventId: string): Promise<ReconcileOutcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [event, byBucket] = await Promise.all([this.deps.events.findById(eventId), this.deps.rsvps.countByBucket(eventId)]);
      if (!event) return 'missing';
      // A seat claimed a moment ago may not have its record yet; treating it as free
      // would hand it to someone else.
      if (event.rsvpChangedAt && Date.now() - event.rsvpChangedAt.getTime() < this.deps.settleMs) return 'unsettled';
      const counts = Object.fromEntries(BUCKETS.map((bucket) => [STAT_OF[bucket], byBucket.get(bucket) ?? 0])) as unknown as RsvpCounts;
      const seatsLeft = event.capacity === null ? null : event.capacity - counts.going;
      const drifted = Object.entries(counts).some(([stat, n]) => event.stats[stat as keyof RsvpCounts] !== n) || seatsLeft !== event.seatsLeft;
      if (!drifted) {
        if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
        return 'consistent';
      }
      const guard = Object.fromEntries([...Object.keys(counts).map((stat) => [`stats.${stat}`, event.stats[stat as keyof RsvpCounts]]), ['seatsLeft', event.seatsLeft]]);
      const set = Object.fromEntries(Object.entries(counts).map(([stat, n]) => [`stats.${stat}`, n]));
      const repaired = await this.deps.events.update(
        eventId,
        withOutbox({ $set: { ...set, seatsLeft } }, [this.rsvpEvent(eventId, null, null, null, false, new Date(), false, true)], {
          countsFromDocument: true,
        }),
        guard,
      );
      if (!repaired) continue;
      this.deps.committed();
      this.deps.logger.warn({ eventId, before: event.stats, after: counts }, 'rsvp: counts repaired from the records');
      if ((seatsLeft === null || seatsLeft > 0) && counts.waitlisted > 0) await this.promoteWaitlist(eventId);
      return 'repaired';
    }
    return 'unsettled';
  }

  private rsvpEvent(
    eventId: string,
    userId: string | null,
    previousStatus: RsvpStatus | null,
    status: RsvpStatus | null,
    waitlisted: boolean,
    at: Date,
    promoted = false,
    reconciled = false,
  ): CloudEvent {
    return cloudEvent(
      this.deps.eventSource,
      'event.rsvp',
      eventId,
      { eventId, userId, previousStatus, status, waitlisted, promoted, reconciled, counts: null },
      at,
    );
  }
}

function addInc(update: Update, inc: Record<string, number>): Update {
  const merged = { ...update.$inc };
  for (const [path, n] of Object.entries(inc)) merged[path] = (merged[path] ?? 0) + n;
  for (const [path, n] of Object.entries(merged)) if (n === 0) delete merged[path];
  return { ...update, $inc: merged };
}

