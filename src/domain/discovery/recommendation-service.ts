import type { CategoryRepository } from '../../datasources/category-repository.js';
import type { DiscoveryCriteria, EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { rankCursor } from '../../datasources/paging.js';
import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { UserRepository } from '../../datasources/user-repository.js';
import type { EventRecord } from '../events/model.js';
import { isOrganizer } from '../events/privacy.js';
import { pageSize } from '../pagination.js';
import { rsvpId } from '../rsvps/model.js';
import type { ViewerAccess } from '../viewer-access.js';
import type { Audience } from './audience.js';
import type { NamedCache } from './cache.js';
import { coveringCells, distanceKm, type GeoPoint } from './geo.js';
import { Interests } from './interests.js';
import { rankOf, RecommendationList, type CachedRecommendation } from './recommendation-list.js';
import type { Recommendation, RecommendationPage } from './model.js';
import { RECOMMENDATION_WEIGHTS, recommend } from './scoring.js';
import type { TrendingBoard } from './trending-board.js';
import { trends } from './trending-scores.js';

/** How many candidates each source gives at most. */
const FRIENDS_EVENTS = 200;
const POPULAR_EVENTS = 100;
const INTEREST_EVENTS = 100;
const NEARBY_EVENTS = 300;
/** Recommendations kept per viewer (pages beyond are empty). */
const KEPT = 100;

const recommendationCursor = rankCursor('r', 1);

export interface RecommendationServiceDeps {
  events: Pick<EventRepository, 'findByIds' | 'matchingInterests' | 'inCells' | 'topTrending'>;
  rsvps: Pick<RsvpRepository, 'eventIdsOf'>;
  users: Pick<UserRepository, 'findById'>;
  categories: Pick<CategoryRepository, 'all'>;
  board: Pick<TrendingBoard, 'top'>;
  /** Per viewer; dropped when the viewer answers an event or a friendship of theirs changes. */
  cache: NamedCache<RecommendationList>;
}

/**
 * Recommendations for the signed-in viewer: candidates from friends' answers (one graph
 * query), the trending board, the viewer's interests and location; scored by the scoring
 * module and cached per viewer. Every read checks each event again (still on, still
 * visible to the viewer, not answered since), so a cached list never shows what the
 * viewer may not see.
 */
export class RecommendationService {
  constructor(
    private readonly deps: RecommendationServiceDeps,
    private readonly access: ViewerAccess,
    private readonly audience: Audience,
    private readonly loaders: Pick<Loaders, 'eventById' | 'rsvpById'>,
  ) {}

  async recommended(first: number | null | undefined, after: string | null | undefined): Promise<RecommendationPage> {
    const viewerId = this.access.requireUser();
    const size = pageSize(first);
    const position = recommendationCursor.decode(after);
    const [, cached] = await Promise.all([this.access.chargeBrowsing(), this.deps.cache.get(viewerId)]);
    const list = cached ?? RecommendationList.of(await this.compute(viewerId), KEPT);
    if (!cached) await this.deps.cache.set(viewerId, list);

    // A few more than a page, for those that no longer qualify.
    const { items: slice, more } = list.after(position, size + 1 + Math.ceil(size / 2));
    const events = await this.loaders.eventById.loadMany(slice.map((item) => item.eventId));
    const now = new Date();
    const live = slice.flatMap((item, i) => {
      const event = events[i];
      return event && !(event instanceof Error) && trends(event, now) ? [{ ...item, event }] : [];
    });
    // A fresh list was built from what the viewer may see; a cached one is checked again (one graph query).
    const liveEvents = live.map(({ event }) => event);
    const [visibleEvents, unanswered] = cached ? await Promise.all([this.audience.visible(liveEvents), this.unanswered(viewerId, liveEvents)]) : [liveEvents, null];
    const visible = new Set(visibleEvents);
    const items: Recommendation[] = live
      .filter(({ event }) => visible.has(event) && (!unanswered || unanswered.has(event._id)))
      .map(({ event, score, reasons }) => ({ event, score, reasons }));
    const page = items.slice(0, size);
    for (const { event } of page) this.loaders.eventById.prime(event._id, event);
    return {
      items: page,
      hasNextPage: items.length > size || more,
      cursorOf: (item) => recommendationCursor.encode(rankOf(item.score, item.event._id)),
      count: () => Promise.resolve(items.length),
    };
  }

  /** Ids among `events` the viewer has not answered (answers may have come after the list was cached). */
  private async unanswered(viewerId: string, events: EventRecord[]): Promise<Set<string>> {
    const answers = await this.loaders.rsvpById.loadMany(events.map((event) => rsvpId(event._id, viewerId)));
    return new Set(events.filter((_, i) => !answers[i]).map((event) => event._id));
  }

  private async compute(viewerId: string): Promise<CachedRecommendation[]> {
    const now = new Date();
    const [circle, answered, user, popular, categories] = await Promise.all([
      this.audience.learn({ mostRecent: FRIENDS_EVENTS }),
      this.deps.rsvps.eventIdsOf(viewerId),
      this.deps.users.findById(viewerId),
      this.deps.board.top(null, POPULAR_EVENTS).catch(() => null),
      this.deps.categories.all(),
    ]);
    const interests = new Interests(user?.interests ?? [], categories);
    const location = user?.location ?? null;
    const candidates = await this.candidates({ friendsEventIds: [...circle.byEvent.keys()], popular, interests, location, now });
    const answeredIds = new Set(answered);
    const eligible: EventRecord[] = [];
    for (const event of candidates) {
      if (!trends(event, now) || answeredIds.has(event._id) || isOrganizer(event, this.access.viewer)) continue;
      if (await this.access.canView(event)) eligible.push(event);
    }
    // The graph's answer covered every event friends go to unless it hit its limit.
    if (circle.byEvent.size < FRIENDS_EVENTS) this.audience.noFriendsGoing(eligible.filter((event) => !circle.byEvent.has(event._id)).map((event) => event._id));

    const recommendations = eligible.flatMap((event) => {
      const result = recommend({
        friendsGoing: [...(circle.byEvent.get(event._id) ?? [])].sort(),
        interests: interests.matchedBy(event),
        distanceKm: location && event.location ? distanceKm(location, event.location) : null,
        popularity: event.stats.going + event.stats.interested,
      });
      return result ? [{ eventId: event._id, ...result }] : [];
    });
    return recommendations;
  }

  /** The events worth scoring, from every source, each once (read with the viewer's exact visibility where the store can). */
  private async candidates(from: {
    friendsEventIds: string[];
    popular: { id: string }[] | null;
    interests: Interests;
    location: GeoPoint | null;
    now: Date;
  }): Promise<EventRecord[]> {
    const scope = await this.audience.exactScope();
    const criteria: DiscoveryCriteria = { status: 'ACTIVE', endsAfter: from.now };
    const [known, popularStored, interesting, nearby] = await Promise.all([
      this.deps.events.findByIds([...new Set([...from.friendsEventIds, ...(from.popular ?? []).map((entry) => entry.id)])]),
      from.popular === null ? this.deps.events.topTrending(criteria, scope, POPULAR_EVENTS) : Promise.resolve([]),
      this.deps.events.matchingInterests(from.interests.categoryIds(), from.interests.tagSpellings(), criteria, scope, INTEREST_EVENTS),
      from.location ? this.deps.events.inCells(coveringCells(from.location, RECOMMENDATION_WEIGHTS.nearbyKm), criteria, scope, NEARBY_EVENTS) : Promise.resolve([]),
    ]);
    const candidates = new Map<string, EventRecord>();
    for (const event of [...known, ...popularStored.map((row) => row.event), ...interesting, ...nearby]) {
      if (event && !candidates.has(event._id)) candidates.set(event._id, event);
    }
    // The page is read through the loader next: hand it what was just read.
    for (const event of candidates.values()) this.loaders.eventById.prime(event._id, event);
    return [...candidates.values()];
  }
}
