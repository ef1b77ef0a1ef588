import type { RecommendationConnectionResolvers, RecommendationEdgeResolvers } from '../__generated__/resolvers-types.js';
import type { Page } from '../datasources/paging.js';
import type { Recommendation, RecommendationEdgeModel } from '../domain/discovery/model.js';
import { connectionResolvers } from './connection.js';

const { pageInfo } = connectionResolvers<Recommendation>();

/** A recommendation's edge: its cursor is encoded only if a client asks for it. */
class LazyCursorEdge implements RecommendationEdgeModel {
  readonly event: Recommendation['event'];
  readonly score: number;
  readonly reasons: Recommendation['reasons'];

  constructor(
    private readonly page: Page<Recommendation>,
    private readonly item: Recommendation,
  ) {
    this.event = item.event;
    this.score = item.score;
    this.reasons = item.reasons;
  }

  get cursor(): string {
    return this.page.cursorOf(this.item);
  }
}

export const RecommendationConnection: RecommendationConnectionResolvers = {
  edges: (page) => page.items.map((item) => new LazyCursorEdge(page, item)),
  pageInfo,
};

export const RecommendationEdge: RecommendationEdgeResolvers = {
  node: (item) => item.event,
};
