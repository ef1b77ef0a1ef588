import type { RecommendationConnectionResolvers, RecommendationEdgeResolvers } from '../__generated__/resolvers-types.js';
import type { Recommendation } from '../domain/discovery/model.js';
import { connectionResolvers } from './connection.js';

const { pageInfo } = connectionResolvers<Recommendation>();

export const RecommendationConnection: RecommendationConnectionResolvers = {
  edges: (page) => page.items.map((item) => ({ ...item, cursor: page.cursorOf(item) })),
  pageInfo,
};

export const RecommendationEdge: RecommendationEdgeResolvers = {
  node: (item) => item.event,
};
