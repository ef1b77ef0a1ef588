import type { CategoryRecord } from '../categories/model.js';
import type { EventRecord } from '../events/model.js';
import { wordsOf } from './search-text.js';

/** Folded the way search folds text: "Board-Games" and "board games" are the same interest. */
const fold = (text: string) => wordsOf(text).join(' ');

/**
 * A viewer's interests (from the users replica), matched against an event's category (by
 * id or name) and tags, word by word, case and accents aside.
 */
export class Interests {
  readonly names: string[];
  private readonly categoryOf = new Map<string, string>();

  constructor(interests: readonly string[], categories: readonly CategoryRecord[]) {
    this.names = [...new Set(interests.map(fold).filter(Boolean))];
    for (const category of categories) {
      this.categoryOf.set(fold(category._id), category._id);
      this.categoryOf.set(fold(category.name), category._id);
    }
  }

  /** Categories the interests name. */
  categoryIds(): string[] {
    return [...new Set(this.names.flatMap((name) => this.categoryOf.get(name) ?? []))];
  }

  /** Tags as they may be stored (lower case as written): "board games", "board-games", "board_games", "boardgames". */
  tagSpellings(): string[] {
    return [...new Set(this.names.flatMap((name) => [' ', '-', '_', ''].map((separator) => name.split(' ').join(separator))))];
  }

  /** The interests the event matches. */
  matchedBy(event: Pick<EventRecord, 'categoryId' | 'tags'>): string[] {
    const tags = new Set(event.tags.map(fold));
    return this.names.filter((name) => tags.has(name) || (event.categoryId !== null && this.categoryOf.get(name) === event.categoryId));
  }
}
