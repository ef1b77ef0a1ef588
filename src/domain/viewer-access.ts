import type { Config } from '../config.js';
import type { RateLimiter } from '../datasources/cache.js';
import { DatastoreError } from '../datasources/driver-errors.js';
import { ConflictError, NotFoundError, RateLimitedError, UnauthenticatedError } from '../errors.js';
import type { Authority } from './authority.js';
import type { EventRecord } from './events/model.js';
import { canView, isOrganizer, noRelations, type ViewerRelations } from './events/privacy.js';
import type { Viewer } from './users/model.js';

export type RateLimitBucket = keyof Config['rateLimits'];

/** Whom rate limits and socket caps count: the user, or an anonymous caller's address. */
export function callerKey(viewer: Viewer, clientKey: string): string {
  return viewer.kind === 'user' ? `user:${viewer.id}` : `anon:${clientKey}`;
}

type RelationsOf = (userId: string) => Promise<{ friendIds: readonly string[]; memberEventIds: readonly string[] }>;
type IdsOf = (userId: string) => Promise<readonly string[]>;

export interface ViewerAccessDeps {
  viewer: Viewer;
  /** Identifies an anonymous caller for rate limits (e.g. the client address). */
  clientKey: string;
  limiter: RateLimiter;
  /** A fresh read of one live event (not a loader: permission checks never rest on a stale copy). */
  findEvent: (id: string) => Promise<EventRecord | null>;
  /** The user's friends (a per-request loader). */
  friendIdsOf: IdsOf;
  /** The events the user answered or was invited to (a per-request loader). */
  memberEventIdsOf: IdsOf;
  /** The same, read afresh at every call: for long-lived streams that decide again later. */
  freshRelationsOf: RelationsOf;
  /**
   * Ends when the viewer's proof of identity does (a socket's token expired); its reason
   * is the error live streams end with. HTTP requests end before that matters.
   */
  authority?: Authority | undefined;
}

/**
 * What one viewer may see and do within one request: who they are, their relations
 * (loaded at most once, only when a rule needs them), event visibility and rate limits.
 * Never cached across requests.
 */
export class ViewerAccess {
  private friendsPromise: Promise<ReadonlySet<string>> | undefined;
  private relationsPromise: Promise<ViewerRelations> | undefined;
  private browsing: Promise<void> | undefined;

  constructor(private readonly deps: ViewerAccessDeps) {}

  get viewer(): Viewer {
    return this.deps.viewer;
  }

  get authority(): Authority | undefined {
    return this.deps.authority;
  }

  get viewerId(): string | null {
    return this.deps.viewer.kind === 'user' ? this.deps.viewer.id : null;
  }

  /** The signed-in user's id; UNAUTHENTICATED for an anonymous caller. */
  requireUser(): string {
    if (this.deps.viewer.kind !== 'user') throw new UnauthenticatedError();
    return this.deps.viewer.id;
  }

  /** The viewer's friends and memberships, loaded at most once per request. */
  relations(): Promise<ViewerRelations> {
    const viewerId = this.viewerId;
    if (!viewerId) return Promise.resolve(noRelations);
    return (this.relationsPromise ??= Promise.all([this.friendIds(viewerId), this.deps.memberEventIdsOf(viewerId)]).then(([friendIds, memberEventIds]) => ({
      friendIds,
      memberEventIds: new Set(memberEventIds),
    })));
  }

  /**
   * Privacy for one event; the viewer's relations are loaded only when the event needs
   * them (see `visibleAmong`).
   */
  async canView(event: EventRecord): Promise<boolean> {
    return (await this.visibleAmong([event])).length === 1;
  }

  /**
   * The events the viewer may see, in their order, deciding in one pass (a promise per
   * event showed in profiles of pages of candidates). Relations are loaded only when an
   * event needs them, and the memberships (every event the viewer answered or was
   * invited to) only when friendship does not decide: most FRIENDS events a viewer
   * opens are a friend's.
   */
  async visibleAmong(events: readonly EventRecord[]): Promise<EventRecord[]> {
    const { viewer } = this.deps;
    const viewerId = this.viewerId;
    const visible: EventRecord[] = [];
    let friendIds: ReadonlySet<string> | undefined;
    let relations: ViewerRelations | undefined;
    for (const event of events) {
      if (this.visibleWithoutRelations(event)) visible.push(event);
      else if (viewerId && event.privacy === 'FRIENDS' && (friendIds ??= await this.friendIds(viewerId)).has(event.hostId)) visible.push(event);
      else if (canView(event, viewer, (relations ??= await this.relations()))) visible.push(event);
    }
    return visible;
  }

  /** Like `canView`, with the viewer's relations read now rather than earlier in the request (live streams). */
  async canViewNow(event: EventRecord): Promise<boolean> {
    if (this.visibleWithoutRelations(event)) return true;
    const viewerId = this.viewerId;
    return canView(event, this.deps.viewer, viewerId ? asSets(await this.deps.freshRelationsOf(viewerId)) : noRelations);
  }

  private friendIds(viewerId: string): Promise<ReadonlySet<string>> {
    return (this.friendsPromise ??= this.deps.friendIdsOf(viewerId).then((ids) => new Set(ids)));
  }

  /** PUBLIC, or organised by the viewer: decided without loading the viewer's relations. */
  private visibleWithoutRelations(event: EventRecord): boolean {
    return event.privacy === 'PUBLIC' || isOrganizer(event, this.deps.viewer);
  }

  /** The live event, freshly read, if the viewer may see it; null otherwise (no existence leak). */
  async visibleEvent(id: string): Promise<EventRecord | null> {
    const event = await this.deps.findEvent(id);
    return event && (await this.canView(event)) ? event : null;
  }

  /** Like `visibleEvent`, but NOT_FOUND (naming `field`) when it does not exist or is not visible. */
  async visibleEventOrNotFound(id: string, field: string): Promise<EventRecord> {
    const event = await this.visibleEvent(id);
    if (!event) throw new NotFoundError('Event', id, field);
    return event;
  }

  async consumeRateLimit(bucket: RateLimitBucket): Promise<void> {
    const decision = await this.deps.limiter.consume(bucket, callerKey(this.deps.viewer, this.deps.clientKey));
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, bucket);
  }

  /**
   * Every list of a request draws on the browse bucket, once per request however many
   * lists it reads (a router asks for the events of twenty users in one `_entities`
   * call); the cost limit bounds how much one request may read.
   */
  chargeBrowsing(): Promise<void> {
    return (this.browsing ??= this.consumeRateLimit('browse'));
  }
}

/**
 * The viewer's friends when the friendship graph cannot answer: none. Decisions that rest
 * on friendship fail closed — a FRIENDS event is not shown, exactly as an unknown id —
 * while those the document store decides (organisers, people who answered, invitees)
 * still hold. While the graph's breaker is open this costs no call, so an existing
 * FRIENDS event and an unknown id answer alike and as fast.
 */
export function noFriendsWithoutGraph(error: unknown): string[] {
  if (error instanceof DatastoreError && error.store === 'neo4j') return [];
  throw error;
}

function asSets(relations: { friendIds: readonly string[]; memberEventIds: readonly string[] }): ViewerRelations {
  return { friendIds: new Set(relations.friendIds), memberEventIds: new Set(relations.memberEventIds) };
}

/** Changes need an ACTIVE event: CONFLICT (naming `field`) for a cancelled or completed one. */
export function assertActive(event: EventRecord, field: string): void {
  if (event.status !== 'ACTIVE') throw new ConflictError(`the event is ${event.status.toLowerCase()}`, field);
}

/** Answers and invitations need an ACTIVE event that has not ended. */
export function assertOpen(event: EventRecord, field: string): void {
  assertActive(event, field);
  if (event.endsAt.getTime() <= Date.now()) throw new ConflictError('the event has ended', field);
}
