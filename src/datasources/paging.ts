import { BadUserInputError } from '../errors.js';

/** A page of a Relay connection; `count` runs only when a client asks for totalCount. */
export interface Page<T> {
  items: T[];
  cursorOf: (item: T) => string;
  hasNextPage: boolean;
  count: () => Promise<number>;
}

/** A position in a list ordered by (time, id). */
export interface TimePosition {
  time: Date;
  id: string;
}

/** A position in a list ordered by (sequence number, id), such as a post's comments. */
export interface SeqPosition {
  seq: number;
  id: string;
}

export const emptyPage = <T>(): Page<T> => ({ items: [], hasNextPage: false, cursorOf: () => '', count: () => Promise.resolve(0) });

/**
 * Cursors are opaque to clients: base64url JSON of a tuple. Time cursors are
 * `[ms, id]`, sequence cursors `['c', seq, id]`, so one kind is never mistaken for the other.
 */
function encode(tuple: unknown[]): string {
  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

function decode<P>(after: string | null | undefined, field: string, read: (tuple: unknown[]) => P | null): P | null {
  if (after === null || after === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    const position = Array.isArray(value) ? read(value) : null;
    if (position) return position;
  } catch {
    // not JSON: the client error below
  }
  throw new BadUserInputError(`${field} is not a cursor returned by this API`, field);
}

export const timeCursor = {
  encode: (position: TimePosition): string => encode([position.time.getTime(), position.id]),
  decode: (after: string | null | undefined, field = 'after'): TimePosition | null =>
    decode(after, field, (tuple) =>
      tuple.length === 2 && typeof tuple[0] === 'number' && typeof tuple[1] === 'string' ? { time: new Date(tuple[0]), id: tuple[1] } : null,
    ),
};

export const seqCursor = {
  encode: (position: SeqPosition): string => encode(['c', position.seq, position.id]),
  decode: (after: string | null | undefined, field = 'after'): SeqPosition | null =>
    decode(after, field, (tuple) =>
      tuple.length === 3 && tuple[0] === 'c' && Number.isInteger(tuple[1]) && typeof tuple[2] === 'string'
        ? { seq: tuple[1] as number, id: tuple[2] }
        : null,
    ),
};

/** A position in a list ranked by computed numbers, then id (relevance, distance, trending rank, score). */
export interface RankPosition {
  /** Ascending: a list ranked highest first stores its numbers negated. */
  key: number[];
  id: string;
}

/**
 * Cursors of ranked lists: `[tag, ...key, id]`, the tag telling one list's cursors from
 * another's, so a search cursor handed to nearby is refused rather than misread.
 */
export function rankCursor(tag: string, keyLength: number) {
  return {
    encode: (position: RankPosition): string => encode([tag, ...position.key, position.id]),
    decode: (after: string | null | undefined, field = 'after'): RankPosition | null =>
      decode(after, field, (tuple) => {
        if (tuple.length !== keyLength + 2 || tuple[0] !== tag || typeof tuple.at(-1) !== 'string') return null;
        const key = tuple.slice(1, -1);
        return key.every((value) => typeof value === 'number' && Number.isFinite(value)) ? { key: key as number[], id: tuple.at(-1) as string } : null;
      }),
  };
}

export type RankCursor = ReturnType<typeof rankCursor>;
