import { BadUserInputError } from '../../errors.js';

/** Position after which a page of comments starts, in the post's (seq, id) order. */
export interface CommentPosition {
  seq: number;
  id: string;
}

export function encodeCommentCursor(position: CommentPosition): string {
  return Buffer.from(JSON.stringify(['c', position.seq, position.id])).toString('base64url');
}

export function decodeCommentCursor(after: string | null | undefined, field = 'after'): CommentPosition | null {
  if (after === null || after === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value[0] === 'c' && Number.isInteger(value[1]) && typeof value[2] === 'string') {
      return { seq: value[1] as number, id: value[2] };
    }
  } catch {
    // fall through to the client error below
  }
  throw new BadUserInputError('after is not a cursor returned by this API', field);
}
