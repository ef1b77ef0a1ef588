import type { DiscoveryCriteria, EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { rankCursor } from '../../datasources/paging.js';
import { requireId } from '../ids.js';
import type { EventPage, EventRecord } from '../events/model.js';
import { pageSize } from '../pagination.js';
import type { ViewerAccess } from '../viewer-access.js';
import type { Audience } from './audience.js';
import { distanceKm, parsePoint, parseRadius, type GeoPoint } from './geo.js';
import type { BoardEntry, TrendingBoard } from './trending-board.js';
import { trends } from './trending-scores.js';

const trendCursor = rankCursor('t', 1);
/** Board reads per page at most: each one after the last when too many were hidden from the viewer. */
const MAX_READS = 4;
/** The board is read this far at most to count (totalCount). */
const COUNT_LIMIT = 500;

interface Circle {
  center: GeoPoint;
  radiusKm: number;
}

interface Wanted {
  categoryId: string | null;
  circle: Circle | null;
  now: Date;
}

interface Ranked {
  event: EventRecord;
  rank: number;
}

export interface TrendingServiceDeps {
  board: Pick<TrendingBoard, 'top'>;
  events: Pick<EventRepository, 'topTrending'>;
  /** Told whether the board answered (cache name `trending`) or the store had to. */
  onLookup?: (cache: string, hit: boolean) => void;
}

/**
 * Trending events for one request: the board (Redis) gives ids in rank order, the store
 * the events, and the viewer sees those they may see that have not ended. When the board
 * is unavailable (Redis down or flushed and not rebuilt yet) the store's copy of the
 * ranks answers instead, by index.
 */
export class TrendingService {
  constructor(
    private readonly deps: TrendingServiceDeps,
    private readonly access: ViewerAccess,
    private readonly audience: Audience,
    private readonly loaders: Pick<Loaders, 'eventById'>,
  ) {}

  async trending(
    first: number | null | undefined,
    after: string | null | undefined,
    categoryId: string | null | undefined,
    near: { lat: number; lng: number } | null | undefined,
    radiusKm: number | null | undefined,
  ): Promise<EventPage> {
    const size = pageSize(first);
    const position = trendCursor.decode(after);
    if (categoryId) requireId(categoryId, 'category');
    const circle = near ? { center: parsePoint(near, 'near'), radiusKm: parseRadius(radiusKm ?? 50, 'radiusKm') } : null;
    await this.access.chargeBrowsing();
    const wanted: Wanted = { categoryId: categoryId ?? null, circle, now: new Date() };
    const start = position ? { rank: position.key[0]!, id: position.id } : undefined;
    const { ranked, more } = (await this.fromBoard(wanted, size + 1, start)) ?? (await this.fromStore(wanted, size + 1, start));
    const page = ranked.slice(0, size);
    for (const { event } of page) this.loaders.eventById.prime(event._id, event);
    const rankOf = new Map(page.map(({ event, rank }) => [event, rank]));
    return {
      items: page.map(({ event }) => event),
      hasNextPage: ranked.length > size || more,
      cursorOf: (event) => trendCursor.encode({ key: [rankOf.get(event) ?? 0], id: event._id }),
      count: async () => ((await this.fromBoard(wanted, COUNT_LIMIT)) ?? (await this.fromStore(wanted, COUNT_LIMIT))).ranked.length,
    };
  }

  /**
   * Up to `wanted` events the viewer may see, from the board; reads on past hidden ones
   * (at most MAX_READS times). Null when the board is unavailable.
   */
  private async fromBoard(wanted: Wanted, count: number, start?: BoardEntry): Promise<{ ranked: Ranked[]; more: boolean } | null> {
    const found: Ranked[] = [];
    let after = start;
    for (let read = 0; read < MAX_READS; read++) {
      const batchSize = Math.max(50, 2 * (count - found.length));
      const entries = await this.boardTop(wanted.categoryId, batchSize, after);
      if (entries === null) return read === 0 ? null : { ranked: found, more: false };
      const events = await this.loaders.eventById.loadMany(entries.map((entry) => entry.id));
      const candidates = entries.flatMap((entry, i) => {
        const event = events[i];
        return event && !(event instanceof Error) && this.fits(event, wanted) ? [{ event, rank: entry.rank }] : [];
      });
      const visible = new Set(await this.audience.visible(candidates.map(({ event }) => event)));
      found.push(...candidates.filter(({ event }) => visible.has(event)));
      if (entries.length < batchSize) return { ranked: found, more: false };
      if (found.length >= count) return { ranked: found.slice(0, count), more: true };
      after = entries.at(-1);
    }
    // Only hidden events so far: a next page would start from the same place and find them again.
    return { ranked: found, more: false };
  }

  private async fromStore(wanted: Wanted, count: number, start?: BoardEntry): Promise<{ ranked: Ranked[]; more: boolean }> {
    const criteria: DiscoveryCriteria = { status: 'ACTIVE', endsAfter: wanted.now, ...(wanted.categoryId ? { categoryId: wanted.categoryId } : {}) };
    // Read beyond the page for events the viewer may not see, and far more when a circle will drop most.
    const limit = wanted.circle ? Math.max(count, 500) : Math.max(2 * count, 50);
    const rows = await this.deps.events.topTrending(criteria, await this.audience.candidateScope(), limit, start);
    const candidates = rows.flatMap(({ event, trend }) => (trend && this.fits(event, wanted) ? [{ event, rank: trend.rank }] : []));
    const visible = new Set(await this.audience.visible(candidates.map(({ event }) => event)));
    const ranked = candidates.filter(({ event }) => visible.has(event));
    return { ranked: ranked.slice(0, count), more: false };
  }

  private async boardTop(categoryId: string | null, count: number, after?: BoardEntry): Promise<BoardEntry[] | null> {
    let entries: BoardEntry[] | null;
    try {
      entries = await this.deps.board.top(categoryId, count, after);
    } catch {
      entries = null;
    }
    this.deps.onLookup?.('trending', entries !== null);
    return entries;
  }

  /** Still trending, in the category and circle asked for; privacy is decided afterwards, by the audience. */
  private fits(event: EventRecord, wanted: Wanted): boolean {
    if (!trends(event, wanted.now)) return false;
    if (wanted.categoryId && event.categoryId !== wanted.categoryId) return false;
    return !wanted.circle || (event.location !== null && distanceKm(wanted.circle.center, event.location) <= wanted.circle.radiusKm);
  }
}
