import { BadUserInputError } from '../errors.js';

/** A page of a Relay connection; `count` runs only when a client asks for totalCount. */
export interface Page<T> {
  items: T[];
  cursorOf: (item: T) => string;
  hasNextPage: boolean;
  count: () => Promise<number>;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Position after which a page starts, in the list's (time, id) order. */
export interface PagePosition {
  time: Date;
  id: string;
}

export function pageSize(first: number | null | undefined, field = 'first'): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`${field} must be between 1 and ${MAX_PAGE_SIZE}`, field);
  }
  return size;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.time.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(after: string | null | undefined, field = 'after'): PagePosition | null {
  if (after === null || after === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { time: new Date(value[0]), id: value[1] };
    }
  } catch {
    // fall through to the client error below
  }
  throw new BadUserInputError('after is not a cursor returned by this API', field);
}
