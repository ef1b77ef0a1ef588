import { cacheHits, cacheMisses } from '../../observability/metrics.js';
import type { RequestScope } from '../request-scope.js';
import type { CategoryRecord } from './model.js';

const COUNTS_KEY = 'category-counts:v1';
const COUNTS_TTL_SECONDS = 60;

export class CategoryService {
  private counts: Promise<Map<string, number>> | undefined;

  constructor(private readonly scope: RequestScope) {}

  all(): Promise<CategoryRecord[]> {
    return this.scope.deps.categories.all();
  }

  byId(id: string): Promise<CategoryRecord | null> {
    return this.scope.loaders.categoryById.load(id);
  }

  /** Upcoming public events in the category; shared by all instances through the cache for a minute. */
  async eventCount(category: CategoryRecord): Promise<number> {
    this.counts ??= this.loadCounts();
    return (await this.counts).get(category._id) ?? 0;
  }

  private async loadCounts(): Promise<Map<string, number>> {
    const { kv, events } = this.scope.deps;
    const cached = await kv.get(COUNTS_KEY);
    if (cached) {
      cacheHits.inc({ cache: 'category-counts' });
      return new Map(Object.entries(JSON.parse(cached) as Record<string, number>));
    }
    cacheMisses.inc({ cache: 'category-counts' });
    const counts = await events.countUpcomingPublicByCategory(new Date());
    await kv.set(COUNTS_KEY, JSON.stringify(Object.fromEntries(counts)), COUNTS_TTL_SECONDS);
    return counts;
  }
}
