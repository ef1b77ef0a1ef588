import type { Deps } from '../deps.js';
import type { Authority } from './authority.js';
import { createLoaders, type Loaders } from '../datasources/loaders.js';
import { RateLimitedError, UnauthenticatedError } from '../errors.js';
import { CategoryService } from './categories/category-service.js';
import { EventService } from './events/event-service.js';
import { InvitationService } from './invitations/invitation-service.js';
import { PostService } from './posts/post-service.js';
import { RsvpService } from './rsvps/rsvp-service.js';
import type { EventRecord } from './events/model.js';
import { canView, isOrganizer, noRelations, type ViewerRelations } from './events/privacy.js';
import type { Viewer } from './users/model.js';

export type RateLimitBucket = keyof Deps['config']['rateLimits'];

/** Whom rate limits and socket caps count: the user, or an anonymous caller's address. */
export function callerKey(viewer: Viewer, clientKey: string): string {
  return viewer.kind === 'user' ? `user:${viewer.id}` : `anon:${clientKey}`;
}

/**
 * Everything one request works with: the viewer, fresh loaders, and the domain
 * services bound to both. HTTP and WebSocket operations build it the same way.
 */
export class RequestScope {
  private loaderSet: Loaders | undefined;
  private relationsPromise: Promise<ViewerRelations> | undefined;
  private eventService: EventService | undefined;
  private categoryService: CategoryService | undefined;
  private postService: PostService | undefined;
  private rsvpService: RsvpService | undefined;
  private invitationService: InvitationService | undefined;
  private browsing: Promise<void> | undefined;

  constructor(
    readonly deps: Deps,
    readonly viewer: Viewer,
    /** Identifies an anonymous caller for rate limits (e.g. the client address). */
    private readonly clientKey: string,
    /**
     * Ends when the viewer's proof of identity does (a socket's token expired); its reason
     * is the error live streams end with. HTTP requests end before that matters.
     */
    readonly authority?: Authority,
  ) {
  }

  /** The same viewer with nothing loaded yet: for decisions that must not rest on earlier reads. */
  fresh(): RequestScope {
    return new RequestScope(this.deps, this.viewer, this.clientKey, this.authority);
  }

  /** Built on first use: many operations (and every live subscription) need few or none. */
  get loaders(): Loaders {
    return (this.loaderSet ??= createLoaders(this.deps));
  }

  get viewerId(): string | null {
    return this.viewer.kind === 'user' ? this.viewer.id : null;
  }

  get events(): EventService {
    return (this.eventService ??= new EventService(this));
  }

  get rsvps(): RsvpService {
    return (this.rsvpService ??= new RsvpService(this));
  }

  get invitations(): InvitationService {
    return (this.invitationService ??= new InvitationService(this));
  }

  get categories(): CategoryService {
    return (this.categoryService ??= new CategoryService(this));
  }

  get posts(): PostService {
    return (this.postService ??= new PostService(this));
  }

  requireUser(): string {
    if (this.viewer.kind !== 'user') throw new UnauthenticatedError();
    return this.viewer.id;
  }

  /** The viewer's friends and memberships, loaded at most once per request. */
  relations(): Promise<ViewerRelations> {
    const viewerId = this.viewerId;
    if (!viewerId) return Promise.resolve(noRelations);
    return (this.relationsPromise ??= Promise.all([
      this.loaders.friendIds.load(viewerId),
      this.loaders.memberEventIds.load(viewerId),
    ]).then(([friendIds, memberEventIds]) => ({
      friendIds: new Set(friendIds),
      memberEventIds: new Set(memberEventIds),
    })));
  }

  /** Privacy for one event; the viewer's relations are loaded only when the event needs them. */
  async canView(event: EventRecord): Promise<boolean> {
    if (event.privacy === 'PUBLIC' || isOrganizer(event, this.viewer)) return true;
    return canView(event, this.viewer, await this.relations());
  }

  async consumeRateLimit(bucket: RateLimitBucket): Promise<void> {
    const decision = await this.deps.limiter.consume(bucket, callerKey(this.viewer, this.clientKey));
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
