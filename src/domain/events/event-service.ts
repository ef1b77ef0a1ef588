import { randomUUID } from 'node:crypto';
import type { DetailsGuard, EventCriteria, EventDetails, EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { timeCursor } from '../../datasources/paging.js';
import { BadUserInputError, ConflictError, ForbiddenError } from '../../errors.js';
import { criteriaOf, type EventListFilter } from './list-filter.js';
import { requireId } from '../ids.js';
import { parseInput } from '../input.js';
import { CoHostAdded, CoHostRemoved, EventCancelled, EventCreated, EventDeleted, EventUpdated } from '../messaging/event-messages.js';
import { pageSize } from '../pagination.js';
import { assertActive, type ViewerAccess } from '../viewer-access.js';
import { emptyStats, type EventPage, type EventRecord } from './model.js';
import { canSeeVirtualLink, isHost, isOrganizer } from './privacy.js';
import { eventSnapshot } from './snapshot.js';
import { cancelReasonSchema, createEventSchema, updateEventSchema, type UpdateEventFields } from './validation.js';

const MAX_CO_HOSTS = 20;

export type MyEventRole = 'HOST' | 'COHOST' | 'ANY';

export interface EventServiceDeps {
  events: EventRepository;
  /** More seats (or none to count) may let people in from the waitlist. */
  ledger: { promoteWaitlist(eventId: string): Promise<number> };
  /** CloudEvents `source` of what this service publishes. */
  eventSource: string;
  onCreated?: () => void;
}

/** Event rules for one request: who may see and change what, and what a change publishes. */
export class EventService {
  constructor(
    private readonly deps: EventServiceDeps,
    private readonly access: ViewerAccess,
    private readonly loaders: Pick<Loaders, 'eventById' | 'categoryById'>,
  ) {}

  /** The event if it exists and the viewer may see it; null otherwise (no existence leak). */
  async byId(id: string): Promise<EventRecord | null> {
    const event = await this.loaders.eventById.load(id);
    if (!event) return null;
    return (await this.access.canView(event)) ? event : null;
  }

  async virtualLinkFor(event: EventRecord): Promise<string | null> {
    if (event.virtualLink === null) return null;
    return canSeeVirtualLink(event, this.access.viewer, await this.access.relations()) ? event.virtualLink : null;
  }

  async list(filter: EventListFilter | null | undefined, first: number | null | undefined, after: string | null | undefined) {
    return this.page(criteriaOf(filter), first, after);
  }

  async mine(role: MyEventRole, first: number | null | undefined, after: string | null | undefined) {
    const viewerId = this.access.requireUser();
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
    const position = timeCursor.decode(after);
    await this.access.chargeBrowsing();
    const relations = await this.access.relations();
    const page = await this.deps.events.page(
      criteria,
      { viewerId: this.access.viewerId, friendIds: [...relations.friendIds], memberEventIds: [...relations.memberEventIds] },
      size,
      position,
    );
    for (const event of page.items) this.loaders.eventById.prime(event._id, event);
    return page;
  }

  async create(input: unknown): Promise<EventRecord> {
    const hostId = this.access.requireUser();
    const fields = parseInput(createEventSchema, input, 'input');
    if (fields.startsAt.getTime() <= Date.now()) throw new BadUserInputError('input.startsAt must be in the future', 'input.startsAt');
    await this.assertCategory(fields.categoryId);
    await this.access.consumeRateLimit('create');
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
    };
    const stored = await this.deps.events.insert(record, [EventCreated.create(this.deps.eventSource, id, { event: eventSnapshot(record) }, now)]);
    this.deps.onCreated?.();
    this.committed(stored);
    return stored;
  }

  async update(id: string, input: unknown): Promise<EventRecord> {
    const event = await this.organizedEvent(id, 'id');
    assertActive(event, 'id');
    const fields = parseInput(updateEventSchema, input, 'input');
    const set = this.changedFields(event, fields);
    const merged = { ...event, ...set } as EventRecord;
    assertSchedule(set, merged);
    if (!merged.location && !merged.virtualLink) {
      throw new BadUserInputError('input.location: an event needs a location or a virtualLink', 'input.location');
    }
    if ('categoryId' in set) await this.assertCategory(merged.categoryId);
    const changed = Object.keys(set);
    if (changed.length === 0) return event;
    const now = new Date();
    const details: EventDetails = { ...set, updatedAt: now };
    const expected: DetailsGuard = { updatedAt: event.updatedAt };
    if ('capacity' in set) {
      // Seats already taken stay taken; the free count moves by the capacity change.
      const taken = event.capacity === null ? event.stats.going : event.capacity - (event.seatsLeft ?? 0);
      if (merged.capacity !== null && merged.capacity < taken) {
        throw new BadUserInputError(`input.capacity must be at least ${taken}: that many people hold a seat`, 'input.capacity');
      }
      details.seatsLeft = merged.capacity === null ? null : merged.capacity - taken;
      // Written only if no seat was taken or freed since the read, or `taken` would be stale.
      if (event.capacity === null) expected.going = event.stats.going;
      else expected.seatsLeft = event.seatsLeft;
    }
    const updated = { ...merged, updatedAt: now };
    const message = EventUpdated.create(this.deps.eventSource, id, { event: eventSnapshot(updated), changed }, now);
    const committed = this.committedOrConflict(await this.deps.events.changeDetails(event, details, expected, [message]), 'id');
    if (!('capacity' in set)) return committed;
    if ((await this.deps.ledger.promoteWaitlist(id)) === 0) return committed;
    return (await this.deps.events.findById(id)) ?? committed;
  }

  async cancel(id: string, reason: string | null | undefined): Promise<EventRecord> {
    const event = await this.organizedEvent(id, 'id');
    assertActive(event, 'id');
    const cleanReason = parseInput(cancelReasonSchema, reason, 'reason') || null;
    const now = new Date();
    const message = EventCancelled.create(
      this.deps.eventSource,
      id,
      { eventId: id, reason: cleanReason, cancelledBy: this.access.viewerId, title: event.title, startsAt: event.startsAt.toISOString() },
      now,
    );
    return this.committedOrConflict(await this.deps.events.cancel(id, cleanReason, now, [message]), 'id');
  }

  async delete(id: string): Promise<string> {
    const event = await this.hostedEvent(id, 'id');
    const now = new Date();
    const message = EventDeleted.create(this.deps.eventSource, id, { eventId: id, deletedBy: this.access.viewerId, title: event.title }, now);
    this.committedOrConflict(await this.deps.events.markDeleted(id, now, [message]), 'id');
    this.loaders.eventById.clear(id);
    return id;
  }

  async addCoHost(eventId: string, userId: string): Promise<EventRecord> {
    requireId(userId, 'userId');
    const event = await this.hostedEvent(eventId, 'eventId');
    if (userId === event.hostId) throw new BadUserInputError('userId is the host already', 'userId');
    if (event.coHostIds.includes(userId)) throw new ConflictError(`${userId} is a co-host already`, 'userId');
    if (event.coHostIds.length >= MAX_CO_HOSTS) throw new BadUserInputError(`an event has at most ${MAX_CO_HOSTS} co-hosts`, 'userId');
    const now = new Date();
    const addedBy = this.access.requireUser();
    const message = CoHostAdded.create(this.deps.eventSource, eventId, { eventId, userId, addedBy }, now);
    return this.committedOrConflict(await this.deps.events.addCoHost(eventId, userId, now, [message]), 'userId');
  }

  async removeCoHost(eventId: string, userId: string): Promise<EventRecord> {
    requireId(userId, 'userId');
    const event = await this.hostedEvent(eventId, 'eventId');
    if (!event.coHostIds.includes(userId)) throw new BadUserInputError(`${userId} is not a co-host`, 'userId');
    const now = new Date();
    const message = CoHostRemoved.create(this.deps.eventSource, eventId, { eventId, userId, removedBy: this.access.viewerId }, now);
    return this.committedOrConflict(await this.deps.events.removeCoHost(eventId, userId, now, [message]), 'userId');
  }

  /** The fields of `fields` that differ from the stored event. */
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

  /** A change that found its condition gone is a CONFLICT, never a partial write. */
  private committedOrConflict(updated: EventRecord | null, field: string): EventRecord {
    if (!updated) throw new ConflictError('the event changed while this request ran; reload and retry', field);
    this.committed(updated);
    return updated;
  }

  private committed(event: EventRecord) {
    this.loaders.eventById.clear(event._id).prime(event._id, event);
  }

  private async organizedEvent(id: string, field: string): Promise<EventRecord> {
    this.access.requireUser();
    const event = await this.access.visibleEventOrNotFound(id, field);
    if (!isOrganizer(event, this.access.viewer)) throw new ForbiddenError('only the host or a co-host can change this event');
    return event;
  }

  private async hostedEvent(id: string, field: string): Promise<EventRecord> {
    this.access.requireUser();
    const event = await this.access.visibleEventOrNotFound(id, field);
    if (!isHost(event, this.access.viewer)) throw new ForbiddenError('only the host can do this');
    return event;
  }

  private async assertCategory(categoryId: string | null) {
    if (categoryId === null) return;
    const category = await this.loaders.categoryById.load(categoryId);
    if (!category) throw new BadUserInputError(`input.categoryId ${categoryId} is not a category`, 'input.categoryId');
  }
}

/**
 * createEvent's rules for the schedule: end after start, and a changed start or end
 * may not lie in the past (an event under way keeps its past start).
 */
function assertSchedule(set: Partial<EventRecord>, merged: EventRecord) {
  const now = Date.now();
  if (set.startsAt && set.startsAt.getTime() <= now) throw new BadUserInputError('input.startsAt must be in the future', 'input.startsAt');
  if (set.endsAt && set.endsAt.getTime() <= now) throw new BadUserInputError('input.endsAt must be in the future', 'input.endsAt');
  if (merged.endsAt.getTime() <= merged.startsAt.getTime()) {
    throw new BadUserInputError('input.endsAt must be after startsAt', set.endsAt ? 'input.endsAt' : 'input.startsAt');
  }
}
