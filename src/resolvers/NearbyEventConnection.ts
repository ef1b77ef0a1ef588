import type { NearbyEventConnectionResolvers, NearbyEventEdgeResolvers } from '../__generated__/resolvers-types.js';
import type { NearbyEdge } from '../domain/discovery/model.js';
import { connectionResolvers } from './connection.js';

const { pageInfo, totalCount } = connectionResolvers<NearbyEdge>();

export const NearbyEventConnection: NearbyEventConnectionResolvers = {
  edges: (page) => page.items.map((edge) => ({ ...edge, cursor: page.cursorOf(edge) })),
  pageInfo,
  totalCount,
};

export const NearbyEventEdge: NearbyEventEdgeResolvers = {
  node: (edge) => edge.event,
};
