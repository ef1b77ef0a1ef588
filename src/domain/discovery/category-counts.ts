import type { EventRepository } from '../../datasources/event-repository.js';
import type { Logger } from '../../logger.js';
import type { NamedCache } from './cache.js';

/** Changes are counted in at most this long after they arrive, together. */
const RECOUNT_DELAY_MS = 1_000;
const KEY = 'upcoming-public';

/**
 * Upcoming active PUBLIC events per category, the same for every viewer: counted in the
 * store by a warmer (and soon after event changes), kept in Redis for every instance.
 * A miss (expired, flushed, Redis away) counts in the store on the spot.
 */
export class CategoryCounts {
  private recount: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      events: Pick<EventRepository, 'countUpcomingPublicByCategory'>;
      cache: NamedCache<Record<string, number>>;
      logger: Logger;
    },
  ) {}

  async current(): Promise<Map<string, number>> {
    const cached = await this.deps.cache.get(KEY);
    return new Map(Object.entries(cached ?? (await this.refresh())));
  }

  /** Counts in the store and caches the counts; returns them. */
  async refresh(): Promise<Record<string, number>> {
    const counts = Object.fromEntries(await this.deps.events.countUpcomingPublicByCategory(new Date()));
    await this.deps.cache.set(KEY, counts);
    return counts;
  }

  /** An event was created or changed: recount shortly, once for a burst of changes. */
  changed(): void {
    if (this.recount) return;
    this.recount = setTimeout(() => {
      this.recount = undefined;
      this.refresh().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'category counts: recount failed; the warmer retries'));
    }, RECOUNT_DELAY_MS);
    this.recount.unref();
  }

  stop(): void {
    clearTimeout(this.recount);
    this.recount = undefined;
  }
}
