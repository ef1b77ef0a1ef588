import { randomUUID } from 'node:crypto';
import type { Update } from '../../datasources/documents.js';
import type { EventCriteria } from '../../datasources/event-repository.js';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { eventsCreated } from '../../observability/metrics.js';
import type { RequestScope } from '../request-scope.js';
import { cloudEvent, type CloudEvent } from '../messaging/cloud-event.js';
import { outboxOnInsert, withOutbox } from '../messaging/outbox.js';
import { decodeCursor, pageSize } from '../pagination.js';
import { emptyStats, type EventPage, type EventRecord, type EventStatus } from './model.js';
import { canSeeVirtualLink, isHost, isOrganizer } from './privacy.js';
import { requireId } from '../ids.js';
import { eventSnapshot } from './snapshot.js';
import {
  cancelReasonSchema,
  createEventSchema,
  parseInput,
  updateEventSchema,
  type UpdateEventFields,
} from './validation.js';

const MAX_CO_HOSTS = 20;

export interface EventListFilter {
  categoryId?: string | null;
  tags?: string[] | null;
  startsAfter?: Date | null;
  startsBefore?: Date | null;
  hostId?: string | null;
  status?: EventStatus | null;
}

export type MyEventRole = 'HOST' | 'COHOST' | 'ANY';

/** Event rules for one request: who may see and change what, and what a change publishes. */
export class EventService {
  constructor(private readonly scope: RequestScope) {}

  private get deps() {
    return this.scope.deps;
  }

  /** The event if it exists and the viewer may see it; null otherwise (no existence leak). */
  async byId(id: string): Promise<EventRecord | null> {
    const event = await this.scope.loaders.eventById.load(id);
    if (!event) return null;
    return (await this.scope.canView(event)) ? event : null;
  }

  async virtualLinkFor(event: EventRecord): Promise<string | null> {
    if (event.virtualLink === null) return null;
    return canSeeVirtualLink(event, this.scope.viewer, await this.scope.relations()) ? event.virtualLink : null;
  }

  async list(filter: EventListFilter | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    const criteria: EventCriteria = {};
    if (filter?.categoryId) criteria.categoryId = filter.categoryId;
    if (filter?.tags?.length) criteria.tagsAll = filter.tags.map((tag) => tag.trim().toLowerCase());
    if (filter?.startsAfter) criteria.startsAfter = filter.startsAfter;
    if (filter?.startsBefore) criteria.startsBefore = filter.startsBefore;
    if (filter?.hostId) criteria.hostId = filter.hostId;
    if (filter?.status) criteria.status = filter.status;
    return this.page(criteria, first, after);
  }

  async mine(role: MyEventRole, first: number | null | undefined, after: string | null | undefined) {
    const viewerId = this.scope.requireUser();
    const criteria: EventCriteria =
      role === 'HOST' ? { hostId: viewerId } : role === 'COHOST' ? { coHostId: viewerId } : { hostOrCoHostId: viewerId };
    return this.page(criteria, first, after);
  }

  hostedBy(userId: string, first: number | null | undefined, after: string | null | undefined) {
    return this.page({ hostId: userId }, first, after);
  }

  coHostedBy(userId: string, first: number | null | undefined, after: string | null | undefined) {
    return this.page({ coHostId: userId }, first, after);
  }

  /** Every listing of events (`events`, `myEvents`, a user's hosted and co-hosted events) passes here. */
  private async page(criteria: EventCriteria, first: number | null | undefined, after: string | null | undefined): Promise<EventPage> {
    const size = pageSize(first);
    const position = decodeCursor(after);
    await this.scope.chargeBrowsing();
    const relations = await this.scope.relations();
    const page = await this.deps.events.page(
      criteria,
      { viewerId: this.scope.viewerId, friendIds: [...relations.friendIds], memberEventIds: [...relations.memberEventIds] },
      size,
      position,
    );
    for (const event of page.items) this.scope.loaders.eventById.prime(event._id, event);
    return page;
  }

  async create(input: unknown): Promise<EventRecord> {
    const hostId = this.scope.requireUser();
    const fields = parseInput(createEventSchema, input, 'input');
    if (fields.startsAt.getTime() <= Date.now()) throw new BadUserInputError('input.startsAt must be in the future', 'input.startsAt');
    await this.assertCategory(fields.categoryId);
    await this.scope.consumeRateLimit('create');
    const now = new Date();
    const id = randomUUID();
    const record: EventRecord = {
      _id: id,
      ...fields,
      hostId,
      coHostIds: [],
      status: 'ACTIVE',
      seatsLeft: fields.capacity,
      waitlistSeq: 0,
      countsVersion: 0,
      rsvpChangedAt: null,
      stats: emptyStats(),
      cancellationReason: null,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      outbox: {},
      outboxCount: 0,
    };
    const created = this.publish('event.created', id, { event: eventSnapshot(record) }, now);
    const stored = { ...record, ...outboxOnInsert([created]) };
    await this.deps.events.insert(stored);
    eventsCreated.inc();
    this.committed(stored);
    return stored;
  }

  async update(id: string, input: unknown): Promise<EventRecord> {
    const event = await this.organizedEvent(id, 'id');
    this.assertActive(event);
    const fields = parseInput(updateEventSchema, input, 'input');
    const set = this.changedFields(event, fields);
    const merged = { ...event, ...set } as EventRecord;
    this.assertSchedule(set, merged);
    if (!merged.location && !merged.virtualLink) {
      throw new BadUserInputError('input.location: an event needs a location or a virtualLink', 'input.location');
    }
    if ('categoryId' in set) await this.assertCategory(merged.categoryId);
    const changed = Object.keys(set);
    if (changed.length === 0) return event;
    const now = new Date();
    const update: Update = { $set: { ...set, updatedAt: now } };
    const conditions: Record<string, unknown> = { updatedAt: event.updatedAt };
    if ('capacity' in set) {
      // Seats already taken stay taken; the free count moves by the capacity change.
      const taken = event.capacity === null ? event.stats.going : event.capacity - (event.seatsLeft ?? 0);
      if (merged.capacity !== null && merged.capacity < taken) {
        throw new BadUserInputError(`input.capacity must be at least ${taken}: that many people hold a seat`, 'input.capacity');
      }
      update.$set = { ...update.$set, seatsLeft: merged.capacity === null ? null : merged.capacity - taken };
      // Written only if no seat was taken or freed since the read, or `taken` would be stale.
      if (event.capacity === null) conditions['stats.going'] = event.stats.going;
      else conditions.seatsLeft = event.seatsLeft;
    }
    const updated = { ...merged, updatedAt: now };
    const message = this.publish('event.updated', id, { event: eventSnapshot(updated), changed }, now);
    const committed = await this.commit(id, withOutbox(update, [message]), conditions);
    if (!('capacity' in set)) return committed;
    // More seats (or none to count) may let people in from the waitlist.
    if ((await this.deps.ledger.promoteWaitlist(id)) === 0) return committed;
    return (await this.deps.events.findById(id)) ?? committed;
  }

  async cancel(id: string, reason: string | null | undefined): Promise<EventRecord> {
    const event = await this.organizedEvent(id, 'id');
    this.assertActive(event);
    const cleanReason = parseInput(cancelReasonSchema, reason, 'reason') || null;
    const now = new Date();
    const message = this.publish(
      'event.cancelled',
      id,
      { eventId: id, reason: cleanReason, cancelledBy: this.scope.viewerId, title: event.title, startsAt: event.startsAt.toISOString() },
      now,
    );
    const update: Update = { $set: { status: 'CANCELLED', cancellationReason: cleanReason, updatedAt: now } };
    return this.commit(id, withOutbox(update, [message]), { status: 'ACTIVE' });
  }

  async delete(id: string): Promise<string> {
    const event = await this.hostedEvent(id, 'id');
    const now = new Date();
    const message = this.publish('event.deleted', id, { eventId: id, deletedBy: this.scope.viewerId, title: event.title }, now);
    await this.commit(id, withOutbox({ $set: { deleted: true, updatedAt: now } }, [message]));
    this.scope.loaders.eventById.clear(id);
    return id;
  }

  async addCoHost(eventId: string, userId: string): Promise<EventRecord> {
    requireId(userId, 'userId');
    const event = await this.hostedEvent(eventId, 'eventId');
    if (userId === event.hostId) throw new BadUserInputError('userId is the host already', 'userId');
    if (event.coHostIds.includes(userId)) throw new ConflictError(`${userId} is a co-host already`, 'userId');
    if (event.coHostIds.length >= MAX_CO_HOSTS) throw new BadUserInputError(`an event has at most ${MAX_CO_HOSTS} co-hosts`, 'userId');
    const now = new Date();
    const message = this.publish('event.cohost.added', eventId, { eventId, userId, addedBy: this.scope.viewerId }, now);
    const update: Update = { $addToSet: { coHostIds: userId }, $set: { updatedAt: now } };
    return this.commit(eventId, withOutbox(update, [message]), { coHostIds: { $ne: userId } }, 'userId');
  }

  async removeCoHost(eventId: string, userId: string): Promise<EventRecord> {
    requireId(userId, 'userId');
    const event = await this.hostedEvent(eventId, 'eventId');
    if (!event.coHostIds.includes(userId)) throw new BadUserInputError(`${userId} is not a co-host`, 'userId');
    const now = new Date();
    const message = this.publish('event.cohost.removed', eventId, { eventId, userId, removedBy: this.scope.viewerId }, now);
    const update: Update = { $pull: { coHostIds: userId }, $set: { updatedAt: now } };
    return this.commit(eventId, withOutbox(update, [message]), { coHostIds: userId }, 'userId');
  }

  /** The fields of `fields` that differ from the stored event, ready for `$set`. */
  private changedFields(event: EventRecord, fields: UpdateEventFields): Partial<EventRecord> {
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const required = key === 'title' || key === 'privacy' || key === 'startsAt' || key === 'endsAt' || key === 'timeZone';
      if (value === null && required) continue;
      const normalised = value === null && (key === 'tags' || key === 'mediaUrls') ? [] : value;
      if (JSON.stringify(normalised) !== JSON.stringify(event[key as keyof EventRecord])) set[key] = normalised;
    }
    return set as Partial<EventRecord>;
  }

  private publish(type: string, eventId: string, data: unknown, time: Date): CloudEvent {
    return cloudEvent(this.deps.config.eventSource, type, eventId, data, time);
  }

  /** Writes the change with its outbox entries; a lost race is a CONFLICT, never a partial write. */
  private async commit(id: string, update: Update, conditions: Record<string, unknown> = {}, field = 'id'): Promise<EventRecord> {
    const updated = await this.deps.events.update(id, update, conditions);
    if (!updated) throw new ConflictError('the event changed while this request ran; reload and retry', field);
    this.committed(updated);
    return updated;
  }

  private committed(event: EventRecord) {
    this.scope.loaders.eventById.clear(event._id).prime(event._id, event);
    this.deps.relay.kick();
  }

  /** A fresh read, so permission checks never rest on a stale copy. */
  private async visibleFresh(id: string, field: string): Promise<EventRecord> {
    const event = await this.deps.events.findById(id);
    if (!event || !(await this.scope.canView(event))) throw new NotFoundError('Event', id, field);
    return event;
  }

  private async organizedEvent(id: string, field: string): Promise<EventRecord> {
    this.scope.requireUser();
    const event = await this.visibleFresh(id, field);
    if (!isOrganizer(event, this.scope.viewer)) throw new ForbiddenError('only the host or a co-host can change this event');
    return event;
  }

  private async hostedEvent(id: string, field: string): Promise<EventRecord> {
    this.scope.requireUser();
    const event = await this.visibleFresh(id, field);
    if (!isHost(event, this.scope.viewer)) throw new ForbiddenError('only the host can do this');
    return event;
  }

  /**
   * createEvent's rules for the schedule: end after start, and a changed start or end
   * may not lie in the past (an event under way keeps its past start).
   */
  private assertSchedule(set: Partial<EventRecord>, merged: EventRecord) {
    const now = Date.now();
    if (set.startsAt && set.startsAt.getTime() <= now) throw new BadUserInputError('input.startsAt must be in the future', 'input.startsAt');
    if (set.endsAt && set.endsAt.getTime() <= now) throw new BadUserInputError('input.endsAt must be in the future', 'input.endsAt');
    if (merged.endsAt.getTime() <= merged.startsAt.getTime()) {
      throw new BadUserInputError('input.endsAt must be after startsAt', set.endsAt ? 'input.endsAt' : 'input.startsAt');
    }
  }

  private assertActive(event: EventRecord) {
    if (event.status !== 'ACTIVE') throw new ConflictError(`the event is ${event.status.toLowerCase()}`, 'id');
  }

  private async assertCategory(categoryId: string | null) {
    if (categoryId === null) return;
    const category = await this.scope.loaders.categoryById.load(categoryId);
    if (!category) throw new BadUserInputError(`input.categoryId ${categoryId} is not a category`, 'input.categoryId');
  }
}
