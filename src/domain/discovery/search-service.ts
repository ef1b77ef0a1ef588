import type { DiscoveryCriteria, EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { rankCursor, type Page } from '../../datasources/paging.js';
import { criteriaOf, type EventListFilter } from '../events/list-filter.js';
import type { EventPage, EventRecord } from '../events/model.js';
import { pageSize } from '../pagination.js';
import type { ViewerAccess } from '../viewer-access.js';
import type { Audience } from './audience.js';
import { coveringCells, distanceKm, parsePoint, parseRadius, type GeoPoint } from './geo.js';
import type { NearbyPage } from './model.js';
import { rankedPage } from './ranked-page.js';
import { searchRelevance } from './scoring.js';
import { lookupTokens, parseSearchQuery } from './search-text.js';

/** Matches read per side of now: the soonest upcoming and the latest past ones. */
export const SEARCH_UPCOMING_LIMIT = 500;
export const SEARCH_PAST_LIMIT = 200;
/** Events in a circle read at most (a nearby page is sorted from all of them). */
export const NEARBY_LIMIT = 5_000;
const DEFAULT_SEARCH_RADIUS_KM = 10;

const searchCursor = rankCursor('s', 3);
const nearbyCursor = rankCursor('n', 1);

export interface SearchFilterInput extends EventListFilter {
  near?: { lat: number; lng: number } | null;
  radiusKm?: number | null;
}

interface Circle {
  center: GeoPoint;
  radiusKm: number;
}

/**
 * Full-text search and nearby for one request. Both read candidates through indexes on
 * lookup fields stored with the events (search tokens, geohash cells), drop what the
 * viewer may not see, then rank exactly in memory and page by keyset.
 */
export class SearchService {
  constructor(
    private readonly deps: { events: Pick<EventRepository, 'searchMatches' | 'inCells'> },
    private readonly access: ViewerAccess,
    private readonly audience: Audience,
    private readonly loaders: Pick<Loaders, 'eventById'>,
  ) {}

  async search(query: string, filter: SearchFilterInput | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<EventPage> {
    const parsed = parseSearchQuery(query);
    const size = pageSize(first);
    const position = searchCursor.decode(after);
    const circle = filter?.near ? { center: parsePoint(filter.near, 'filter.near'), radiusKm: parseRadius(filter.radiusKm ?? DEFAULT_SEARCH_RADIUS_KM, 'filter.radiusKm') } : null;
    await this.access.consumeRateLimit('search');

    const criteria: DiscoveryCriteria = { ...criteriaOf(filter), ...(filter?.status ? {} : { statusNot: 'CANCELLED' as const }) };
    if (circle) criteria.inCells = coveringCells(circle.center, circle.radiusKm);
    const scope = await this.audience.candidateScope();
    const tokens = lookupTokens(parsed);
    const now = new Date();
    const [upcoming, past] = await Promise.all([
      this.deps.events.searchMatches(tokens, criteria, scope, { side: 'upcoming', now, limit: SEARCH_UPCOMING_LIMIT }),
      this.deps.events.searchMatches(tokens, criteria, scope, { side: 'past', now, limit: SEARCH_PAST_LIMIT }),
    ]);
    const relevance = new Map<EventRecord, number>();
    for (const event of [...upcoming, ...past]) {
      const score = searchRelevance(event, parsed);
      if (score > 0 && (!circle || within(event, circle))) relevance.set(event, score);
    }
    const visible = await this.audience.visible([...relevance.keys()]);
    const page = rankedPage(
      visible,
      (event) => {
        const isUpcoming = event.startsAt.getTime() > now.getTime();
        // Best match first; upcoming (soonest first) before past (latest first).
        return { key: [-relevance.get(event)!, isUpcoming ? 0 : 1, isUpcoming ? event.startsAt.getTime() : -event.startsAt.getTime()], id: event._id };
      },
      searchCursor,
      size,
      position,
    );
    return this.primed(page);
  }

  async nearby(
    near: { lat: number; lng: number },
    radiusKm: number | null | undefined,
    filter: EventListFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<NearbyPage> {
    const circle = { center: parsePoint(near, 'near'), radiusKm: parseRadius(radiusKm ?? DEFAULT_SEARCH_RADIUS_KM, 'radiusKm') };
    const size = pageSize(first);
    const position = nearbyCursor.decode(after);
    await this.access.consumeRateLimit('search');

    const criteria: DiscoveryCriteria = { ...criteriaOf(filter), endsAfter: new Date(), ...(filter?.status ? {} : { status: 'ACTIVE' as const }) };
    const scope = await this.audience.candidateScope();
    const candidates = await this.deps.events.inCells(coveringCells(circle.center, circle.radiusKm), criteria, scope, NEARBY_LIMIT);
    const inside = candidates.flatMap((event) => {
      const distance = event.location ? distanceKm(circle.center, event.location) : Infinity;
      // Metres are precision enough to rank and to show.
      return distance <= circle.radiusKm ? [{ event, distanceKm: Math.round(distance * 1000) / 1000 }] : [];
    });
    const visible = new Set(await this.audience.visible(inside.map((edge) => edge.event)));
    const page = rankedPage(
      inside.filter((edge) => visible.has(edge.event)),
      (edge) => ({ key: [edge.distanceKm], id: edge.event._id }),
      nearbyCursor,
      size,
      position,
    );
    for (const edge of page.items) this.loaders.eventById.prime(edge.event._id, edge.event);
    return page;
  }

  private primed(page: Page<EventRecord>): EventPage {
    for (const event of page.items) this.loaders.eventById.prime(event._id, event);
    return page;
  }
}

function within(event: EventRecord, circle: Circle): boolean {
  return event.location !== null && distanceKm(circle.center, event.location) <= circle.radiusKm;
}
