import type { CategoryRecord } from '../domain/categories/model.js';
import type { DocumentCollection, DocumentStore } from './documents.js';

export const CATEGORIES = 'categories';

export class CategoryRepository {
  private readonly categories: DocumentCollection<CategoryRecord>;

  constructor(store: DocumentStore) {
    this.categories = store.collection<CategoryRecord>(CATEGORIES);
  }

  ensureIndexes() {
    return this.categories.createIndexes([{ key: { sortOrder: 1 }, name: 'sortOrder' }]);
  }

  all(): Promise<CategoryRecord[]> {
    return this.categories.find({}, { sort: { sortOrder: 1 } });
  }

  async findByIds(ids: readonly string[]): Promise<(CategoryRecord | null)[]> {
    const found = await this.categories.find({ _id: { $in: [...ids] } });
    const byId = new Map(found.map((category) => [category._id, category]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Inserts the defaults that are missing; existing categories are left as they are. */
  async ensureDefaults(defaults: CategoryRecord[]): Promise<void> {
    for (const { _id, ...fields } of defaults) {
      await this.categories.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
    }
  }
}
