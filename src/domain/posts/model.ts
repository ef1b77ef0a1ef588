import type { Page } from '../../datasources/paging.js';

export type Reaction = 'LIKE' | 'LOVE' | 'HAHA' | 'WOW' | 'SAD';

export const REACTIONS: readonly Reaction[] = ['LIKE', 'LOVE', 'HAHA', 'WOW', 'SAD'];

/** Reactions to one post by kind, kept on the post and moved with `$inc`. */
export interface ReactionCounts {
  like: number;
  love: number;
  haha: number;
  wow: number;
  sad: number;
}

export const emptyReactionCounts = (): ReactionCounts => ({ like: 0, love: 0, haha: 0, wow: 0, sad: 0 });

/** The field of `reactionCounts` that counts `reaction`. */
export const countFieldOf = (reaction: Reaction): keyof ReactionCounts => reaction.toLowerCase() as keyof ReactionCounts;

export const totalReactions = (counts: ReactionCounts): number => counts.like + counts.love + counts.haha + counts.wow + counts.sad;

export interface PostRecord {
  _id: string;
  eventId: string;
  /** Null once the author's account is deleted or anonymised. */
  authorId: string | null;
  body: string;
  mediaUrls: string[];
  reactionCounts: ReactionCounts;
  /** Live comments. */
  commentCount: number;
  /**
   * Comments ever added: each new comment takes the next number as its `seq`, so
   * `commentSeq - commentCount` is how many numbers have no live comment (deleted).
   * That bounds the query for the first comments of many posts (see PostRepository).
   */
  commentSeq: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set by deletePost; the document goes once its outbox is flushed. */
  deleted: boolean;
}

export interface CommentRecord {
  _id: string;
  postId: string;
  eventId: string;
  /** Null once the author's account is deleted or anonymised. */
  authorId: string | null;
  body: string;
  /** Position in the post's comments, taken from the post's `commentSeq`. */
  seq: number;
  createdAt: Date;
}

/** One person's reaction to one post; `_id` is `reactionId(postId, userId)`, unique by construction. */
export interface ReactionRecord {
  _id: string;
  postId: string;
  eventId: string;
  userId: string;
  reaction: Reaction;
  createdAt: Date;
  updatedAt: Date;
}

export const reactionId = (postId: string, userId: string): string => `${postId}:${userId}`;

export type PostPage = Page<PostRecord>;
export type CommentPage = Page<CommentRecord>;
