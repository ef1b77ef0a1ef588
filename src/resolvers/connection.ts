import type { Page } from '../datasources/paging.js';

/** An edge whose cursor is encoded only if a client asks for it. */
class Edge<T> {
  constructor(
    private readonly page: Page<T>,
    readonly node: T,
  ) {}

  get cursor(): string {
    return this.page.cursorOf(this.node);
  }
}

/** Relay connection fields for any domain page. */
export function connectionResolvers<T>() {
  return {
    edges: (page: Page<T>) => page.items.map((node) => new Edge(page, node)),
    pageInfo: (page: Page<T>) => {
      const last = page.items.at(-1);
      return { hasNextPage: page.hasNextPage, endCursor: last === undefined ? null : page.cursorOf(last) };
    },
    totalCount: (page: Page<T>) => page.count(),
  };
}
