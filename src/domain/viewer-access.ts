import type { Config } from '../config.js';
import type { RateLimiter } from '../datasources/cache.js';
import { ConflictError, NotFoundError, RateLimitedError, UnauthenticatedError } from '../errors.js';
import type { EventRecord } from './events/model.js';
import { canView, isOrganizer, noRelations, type ViewerRelations } from './events/privacy.js';
import type { Viewer } from './users/model.js';

export type RateLimitBucket = keyof Config['rateLimits'];

export interface ViewerAccessDeps {
  viewer: Viewer;
  /** Identifies an anonymous caller for rate limits (e.g. the client address). */
  clientKey: string;
  limiter: RateLimiter;
  /** A fresh read of one live event (not a loader: permission checks never rest on a stale copy). */
  findEvent: (id: string) => Promise<EventRecord | null>;
  /** The user's friends and the events they answered or were invited to (per-request loaders). */
  friendIds: (userId: string) => Promise<string[]>;
  memberEventIds: (userId: string) => Promise<string[]>;
}

/**
 * What one viewer may see and do within one request: who they are, their relations
 * (loaded at most once, only when a rule needs them), event visibility and rate limits.
 * Never cached across requests.
 */
export class ViewerAccess {
  private relationsPromise: Promise<ViewerRelations> | undefined;

  constructor(private readonly deps: ViewerAccessDeps) {}

  get viewer(): Viewer {
    return this.deps.viewer;
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
    return (this.relationsPromise ??= Promise.all([this.deps.friendIds(viewerId), this.deps.memberEventIds(viewerId)]).then(
      ([friendIds, memberEventIds]) => ({ friendIds: new Set(friendIds), memberEventIds: new Set(memberEventIds) }),
    ));
  }

  /** Privacy for one event; the viewer's relations are loaded only when the event needs them. */
  async canView(event: EventRecord): Promise<boolean> {
    if (event.privacy === 'PUBLIC' || isOrganizer(event, this.deps.viewer)) return true;
    return canView(event, this.deps.viewer, await this.relations());
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
    const caller = this.viewerId ? `user:${this.viewerId}` : `anon:${this.deps.clientKey}`;
    const decision = await this.deps.limiter.consume(bucket, caller);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, bucket);
  }
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
