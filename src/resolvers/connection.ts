import type { Page } from '../datasources/paging.js';

/** Relay connection fields for any domain page. */
export function connectionResolvers<T>() {
  return {
    edges: (page: Page<T>) => page.items.map((node) => ({ cursor: page.cursorOf(node), node })),
    pageInfo: (page: Page<T>) => {
      const last = page.items.at(-1);
      return { hasNextPage: page.hasNextPage, endCursor: last === undefined ? null : page.cursorOf(last) };
    },
    totalCount: (page: Page<T>) => page.count(),
  };
}
