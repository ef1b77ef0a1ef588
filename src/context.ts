import type { Deps } from './deps.js';
import type { Authority } from './domain/authority.js';
import { createLoaders, type Loaders } from './datasources/loaders.js';
import { CategoryService } from './domain/categories/category-service.js';
import { EventService } from './domain/events/event-service.js';
import { InvitationService } from './domain/invitations/invitation-service.js';
import { PostService } from './domain/posts/post-service.js';
import { RsvpService } from './domain/rsvps/rsvp-service.js';
import type { Viewer } from './domain/users/model.js';
import { noFriendsWithoutGraph, ViewerAccess } from './domain/viewer-access.js';
import { NOT_RECORDED, ReadRecord } from './graphql/response-cache.js';

/**
 * What every resolver receives: the request's viewer, its loaders and the domain
 * services bound to both. Built for each HTTP request and each WebSocket operation
 * alike, so cached rows and visibility decisions never cross requests. Loaders and
 * services are made on first use: many operations need few of them.
 */
export class RequestContext {
  private loaderSet: Loaders | undefined;
  private accessRules: ViewerAccess | undefined;
  private eventService: EventService | undefined;
  private rsvpService: RsvpService | undefined;
  private invitationService: InvitationService | undefined;
  private categoryService: CategoryService | undefined;
  private postService: PostService | undefined;
  private readRecord: ReadRecord | undefined;

  constructor(
    private readonly deps: Deps,
    readonly viewer: Viewer,
    /** Identifies an anonymous caller for rate limits (e.g. the client address). */
    private readonly clientKey: string,
    /** Ends with the socket's token; live streams end with it (see ViewerAccess). */
    private readonly authority?: Authority,
  ) {}

  get loaders(): Loaders {
    return (this.loaderSet ??= createLoaders(this.deps));
  }

  /**
   * What this operation read, charged and viewed, for the response cache
   * (src/graphql/response-cache.ts); kept for anonymous callers only, the only ones whose
   * answers are cached.
   */
  get reads(): ReadRecord {
    return (this.readRecord ??= this.viewer.kind === 'anonymous' ? new ReadRecord() : NOT_RECORDED);
  }

  /**
   * `event(id)` showed this event to the viewer. Served from the response cache, the
   * same answer calls this again for each event it showed, so what is recorded per view
   * belongs here (and only here).
   */
  eventViewed(eventId: string): void {
    this.reads.viewed(eventId);
  }

  get access(): ViewerAccess {
    const { limiter } = this.deps;
    const reads = this.reads;
    return (this.accessRules ??= new ViewerAccess({
      viewer: this.viewer,
      clientKey: this.clientKey,
      limiter:
        reads === NOT_RECORDED
          ? limiter
          : {
              consume: (bucket, key) => {
                reads.charged(bucket);
                return limiter.consume(bucket, key);
              },
            },
      findEvent: (id) => this.deps.events.findById(id),
      relationsOf: (userId) => relationsOf(this.loaders, userId),
      freshRelationsOf: (userId) => relationsOf(createLoaders(this.deps), userId),
      authority: this.authority,
    }));
  }

  get events(): EventService {
    const { events, ledger, relay, config, metrics } = this.deps;
    return (this.eventService ??= new EventService(
      { events, ledger, relay, eventSource: config.eventSource, onCreated: () => metrics.eventsCreated.inc() },
      this.access,
      this.loaders,
    ));
  }

  get rsvps(): RsvpService {
    const { events, rsvps, ledger, live } = this.deps;
    return (this.rsvpService ??= new RsvpService({ events, rsvps, ledger, liveCounts: (eventId, access) => live.subscribe(eventId, access) }, this.access, this.loaders));
  }

  get invitations(): InvitationService {
    const { events, invitations, rsvps, graph, ledger, relay, config } = this.deps;
    return (this.invitationService ??= new InvitationService(
      { events, invitations, rsvps, graph, ledger, relay, eventSource: config.eventSource, visibleEvent: (id) => this.events.byId(id) },
      this.access,
      this.loaders,
    ));
  }

  get categories(): CategoryService {
    const { categories, events, kv, metrics } = this.deps;
    return (this.categoryService ??= new CategoryService(
      {
        categories,
        events,
        kv,
        onCacheLookup: (cache, hit) => (hit ? metrics.cacheHits : metrics.cacheMisses).inc({ cache }),
      },
      this.loaders,
    ));
  }

  get posts(): PostService {
    const { events, posts, relay, config } = this.deps;
    return (this.postService ??= new PostService(
      { events, posts, relay, eventSource: config.eventSource, visibleEvent: (id) => this.events.byId(id) },
      this.access,
      this.loaders,
    ));
  }
}

async function relationsOf(loaders: Loaders, userId: string) {
  const [friendIds, memberEventIds] = await Promise.all([loaders.friendIds.load(userId).catch(noFriendsWithoutGraph), loaders.memberEventIds.load(userId)]);
  return { friendIds, memberEventIds };
}

/** Used by HTTP requests and WebSocket operations alike. */
export function createContext(deps: Deps, viewer: Viewer, clientKey: string, authority?: Authority): RequestContext {
  return new RequestContext(deps, viewer, clientKey, authority);
}
