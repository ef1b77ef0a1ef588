import type { CategoryRepository } from '../../datasources/category-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import type { CategoryRecord } from './model.js';

export interface CategoryServiceDeps {
  categories: Pick<CategoryRepository, 'all'>;
  /** Upcoming public events per category id, from a cache shared by all instances. */
  counts: { current(): Promise<Map<string, number>> };
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

  /** Upcoming active PUBLIC events in the category: the same for every viewer, read once per request. */
  async upcomingEventCount(category: CategoryRecord): Promise<number> {
    this.counts ??= this.deps.counts.current();
    return (await this.counts).get(category._id) ?? 0;
  }
}
