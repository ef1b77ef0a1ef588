import type { Deps } from './deps.js';
import type { Authority } from './domain/authority.js';
import { createLoaders, type Loaders } from './datasources/loaders.js';
import { CategoryService } from './domain/categories/category-service.js';
import { EventService } from './domain/events/event-service.js';
import { InvitationService } from './domain/invitations/invitation-service.js';
import { PostService } from './domain/posts/post-service.js';
import { RsvpService } from './domain/rsvps/rsvp-service.js';
import type { Viewer } from './domain/users/model.js';
import { countCacheLookup } from './observability/metrics.js';
import { callerKey, noFriendsWithoutGraph, ViewerAccess } from './domain/viewer-access.js';
import { NOT_RECORDED, ReadRecord } from './graphql/response-cache.js';
import { Audience } from './domain/discovery/audience.js';
import { FriendsService } from './domain/discovery/friends-service.js';
import { RecommendationService } from './domain/discovery/recommendation-service.js';
import { SearchService } from './domain/discovery/search-service.js';
import { ShareService } from './domain/discovery/share-service.js';
import { TrendingService } from './domain/discovery/trending-service.js';
import type { EventRecord } from './domain/events/model.js';

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
  private audienceOf: Audience | undefined;
  private searchService: SearchService | undefined;
  private trendingService: TrendingService | undefined;
  private recommendationService: RecommendationService | undefined;
  private friendsService: FriendsService | undefined;
  private shareService: ShareService | undefined;

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
   * belongs here (and only here): the unique daily view, counted without I/O (the
   * recorder flushes them later).
   */
  eventViewed(eventId: string): void {
    this.reads.viewed(eventId);
    this.deps.views.record(eventId, callerKey(this.viewer, this.clientKey));
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
      friendIdsOf: (userId) => this.loaders.friendIds.load(userId).catch(noFriendsWithoutGraph),
      memberEventIdsOf: (userId) => this.loaders.memberEventIds.load(userId),
      freshRelationsOf: (userId) => relationsOf(createLoaders(this.deps), userId),
      authority: this.authority,
    }));
  }

  get events(): EventService {
    const { events, ledger, config, metrics } = this.deps;
    return (this.eventService ??= new EventService(
      { events, ledger, eventSource: config.eventSource, onCreated: () => metrics.eventsCreated.inc() },
      this.access,
      this.loaders,
    ));
  }

  get rsvps(): RsvpService {
    const { events, rsvps, ledger, live } = this.deps;
    return (this.rsvpService ??= new RsvpService({ events, rsvps, ledger, liveCounts: (eventId, access) => live.subscribe(eventId, access) }, this.access, this.loaders));
  }

  get invitations(): InvitationService {
    const { events, invitations, rsvps, graph, ledger, config } = this.deps;
    return (this.invitationService ??= new InvitationService(
      { events, invitations, rsvps, graph, ledger, eventSource: config.eventSource, visibleEvent: (id) => this.events.byId(id) },
      this.access,
      this.loaders,
    ));
  }

  get categories(): CategoryService {
    const { categories, discovery } = this.deps;
    return (this.categoryService ??= new CategoryService({ categories, counts: discovery.categoryCounts }, this.loaders));
  }

  /** What discovery knows of the viewer in this request (friends, friends going): one graph query. */
  private get audience(): Audience {
    return (this.audienceOf ??= new Audience(this.deps.graph, this.access, this.loaders));
  }

  get search(): SearchService {
    return (this.searchService ??= new SearchService({ events: this.deps.events }, this.access, this.audience, this.loaders));
  }

  get trending(): TrendingService {
    const { discovery, events, metrics } = this.deps;
    return (this.trendingService ??= new TrendingService(
      { board: discovery.board, events, onLookup: (cache, hit) => countCacheLookup(metrics, cache, hit) },
      this.access,
      this.audience,
      this.loaders,
    ));
  }

  get recommendations(): RecommendationService {
    const { discovery, events, rsvps, users, categories } = this.deps;
    return (this.recommendationService ??= new RecommendationService(
      { events, rsvps, users, categories, board: discovery.board, cache: discovery.recommendations },
      this.access,
      this.audience,
      this.loaders,
    ));
  }

  get friends(): FriendsService {
    return (this.friendsService ??= new FriendsService({ users: this.deps.users }, this.access, this.audience, this.loaders));
  }

  get shares(): ShareService {
    const { events, kv, config } = this.deps;
    return (this.shareService ??= new ShareService({ events, kv, eventSource: config.eventSource }, this.access, this.clientKey, this.loaders));
  }

  get posts(): PostService {
    const { events, posts, config } = this.deps;
    return (this.postService ??= new PostService(
      { events, posts, eventSource: config.eventSource, visibleEvent: (id) => this.events.byId(id) },
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
