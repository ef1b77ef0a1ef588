import type { CategoryRecord } from '../domain/categories/model.js';
import { inIdOrder, type DocumentCollection, type DocumentStore } from './documents.js';

export const CATEGORIES = 'categories';

/** Categories change only by deployment, so each instance keeps them for a minute. */
const CACHE_MS = 60_000;

export class CategoryRepository {
  private readonly categories: DocumentCollection<CategoryRecord>;
  private cached: { at: number; all: Promise<CategoryRecord[]> } | undefined;

  constructor(store: DocumentStore) {
    this.categories = store.collection<CategoryRecord>(CATEGORIES);
  }

  ensureIndexes() {
    return this.categories.createIndexes([{ key: { sortOrder: 1 }, name: 'sortOrder' }]);
  }

  all(): Promise<CategoryRecord[]> {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) {
      const all = this.categories.find({}, { sort: { sortOrder: 1 } });
      this.cached = { at: Date.now(), all };
      all.catch(() => (this.cached = undefined));
    }
    return this.cached.all;
  }

  async findByIds(ids: readonly string[]): Promise<(CategoryRecord | null)[]> {
    return inIdOrder(ids, await this.all());
  }

  /** Inserts the defaults that are missing; existing categories are left as they are. */
  async ensureDefaults(defaults: CategoryRecord[]): Promise<void> {
    for (const { _id, ...fields } of defaults) {
      await this.categories.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
    }
    this.cached = undefined;
  }
}
