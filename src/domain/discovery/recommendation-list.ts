import type { RankPosition } from '../../datasources/paging.js';
import { compareRank } from './ranked-page.js';
import type { RecommendationReason } from './scoring.js';

/** One recommendation as kept: ids, score and reasons; the event is read afresh each time. */
export interface CachedRecommendation {
  eventId: string;
  score: number;
  reasons: RecommendationReason[];
}

/** A recommendation's place in the list (and in its cursor): highest score first, then by event id. */
export const rankOf = (score: number, eventId: string): RankPosition => ({ key: [-score], id: eventId });

/**
 * A viewer's kept recommendations, best first, in the text they are cached as: one line
 * per item, `score TAB eventId TAB reasons-as-JSON`. A page decodes only its own lines:
 * parsing the whole list (200 items) on every read was a tenth of a warm read's CPU and
 * much of its garbage. Event ids never hold a tab or a newline (see `requireId`).
 */
export class RecommendationList {
  private constructor(readonly text: string) {}

  /** The best `kept` of `items`, in rank order (see `rankOf`). */
  static of(items: readonly CachedRecommendation[], kept = Infinity): RecommendationList {
    const ranked = [...items].sort((a, b) => compareRank(rankOf(a.score, a.eventId), rankOf(b.score, b.eventId))).slice(0, kept);
    return new RecommendationList(ranked.map((item) => `${item.score}\t${item.eventId}\t${JSON.stringify(item.reasons)}`).join('\n'));
  }

  static parse(text: string): RecommendationList {
    return new RecommendationList(text);
  }

  /** Every item, decoded. */
  all(): CachedRecommendation[] {
    return this.after(null, Infinity).items;
  }

  /** Up to `count` items after `position` (from the first when null), and whether more follow them. */
  after(position: RankPosition | null, count: number): { items: CachedRecommendation[]; more: boolean } {
    const items: CachedRecommendation[] = [];
    const { text } = this;
    for (let start = 0; start < text.length; ) {
      const end = text.indexOf('\n', start);
      const lineEnd = end === -1 ? text.length : end;
      const scoreEnd = text.indexOf('\t', start);
      const idEnd = text.indexOf('\t', scoreEnd + 1);
      const score = Number(text.slice(start, scoreEnd));
      const eventId = text.slice(scoreEnd + 1, idEnd);
      if (!position || compareRank(rankOf(score, eventId), position) > 0) {
        if (items.length === count) return { items, more: true };
        items.push({ eventId, score, reasons: JSON.parse(text.slice(idEnd + 1, lineEnd)) as RecommendationReason[] });
      }
      start = lineEnd + 1;
    }
    return { items, more: false };
  }
}
