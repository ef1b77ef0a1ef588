import type { KeyValueStore } from '../../datasources/cache.js';
import type { CategoryRepository } from '../../datasources/category-repository.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import type { CategoryRecord } from './model.js';

const COUNTS_KEY = 'category-counts:v1';
const COUNTS_TTL_SECONDS = 60;

export interface CategoryServiceDeps {
  categories: Pick<CategoryRepository, 'all'>;
  events: Pick<EventRepository, 'countUpcomingPublicByCategory'>;
  kv: KeyValueStore;
  /** Told whether a cache lookup was answered from the cache. */
  onCacheLookup?: (cache: string, hit: boolean) => void;
}

export class CategoryService {
  private counts: Promise<Map<string, number>> | undefined;

  constructor(
    private readonly deps: CategoryServiceDeps,
    private readonly loaders: Pick<Loaders, 'categoryById'>,
  ) {}

  all(): Promise<CategoryRecord[]> {
    return this.deps.categories.all();
  }

  byId(id: string): Promise<CategoryRecord | null> {
    return this.loaders.categoryById.load(id);
  }

  /** Upcoming public events in the category; shared by all instances through the cache for a minute. */
  async eventCount(category: CategoryRecord): Promise<number> {
    this.counts ??= this.loadCounts();
    return (await this.counts).get(category._id) ?? 0;
  }

  /** From the shared cache when it answers; straight from the store when it does not (Redis away is no error here). */
  private async loadCounts(): Promise<Map<string, number>> {
    const { kv, events } = this.deps;
    const cached = await kv.get(COUNTS_KEY).catch(() => null);
    this.deps.onCacheLookup?.('category-counts', cached !== null);
    if (cached) return new Map(Object.entries(JSON.parse(cached) as Record<string, number>));
    const counts = await events.countUpcomingPublicByCategory(new Date());
    await kv.set(COUNTS_KEY, JSON.stringify(Object.fromEntries(counts)), COUNTS_TTL_SECONDS).catch(() => undefined);
    return counts;
  }
}
