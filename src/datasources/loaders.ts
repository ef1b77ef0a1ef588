import DataLoader from 'dataloader';
import type { CategoryRecord } from '../domain/categories/model.js';
import type { EventRecord } from '../domain/events/model.js';
import type { CategoryRepository } from './category-repository.js';
import type { EventRepository } from './event-repository.js';
import type { SocialGraph } from './social-graph.js';

export interface LoaderSources {
  events: EventRepository;
  categories: CategoryRepository;
  graph: SocialGraph;
}

/**
 * One set per request (or WebSocket operation), so cached rows never cross users.
 * Each batch function is one round trip and returns results in key order.
 */
export function createLoaders(sources: LoaderSources) {
  return {
    eventById: new DataLoader<string, EventRecord | null>((ids) => sources.events.findByIds(ids)),
    categoryById: new DataLoader<string, CategoryRecord | null>((ids) => sources.categories.findByIds(ids)),
    friendIds: new DataLoader<string, string[]>(async (userIds) => {
      const friends = await sources.graph.friendIdsOf(userIds);
      return userIds.map((id) => friends.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
