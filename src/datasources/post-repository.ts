import { countFieldOf, type CommentPage, type CommentRecord, type PostPage, type PostRecord, type Reaction, type ReactionRecord } from '../domain/posts/model.js';
import { inIdOrder, type DocumentCollection, type DocumentStore, type Filter } from './documents.js';
import type { OutboxFields, OutboxMessage, OutboxWriter } from './outbox.js';
import { seqCursor, timeCursor, type SeqPosition, type TimePosition } from './paging.js';

export const POSTS = 'posts';
export const POST_COMMENTS = 'post_comments';
export const POST_REACTIONS = 'post_reactions';

/** The first comments of one post, as asked for by one field of a request. */
export interface CommentPreviewRequest {
  post: PostRecord;
  first: number;
}

const commentCursor = (comment: CommentRecord) => seqCursor.encode({ seq: comment.seq, id: comment._id });

function commentPage(rows: CommentRecord[], first: number, count: number): CommentPage {
  return {
    items: rows.slice(0, first),
    hasNextPage: rows.length > first,
    cursorOf: commentCursor,
    count: () => Promise.resolve(count),
  };
}

/** Posts, their comments and reactions: three collections, each written one document at a time by `_id`. */
export class PostRepository {
  private readonly posts: DocumentCollection<PostRecord & OutboxFields>;
  private readonly comments: DocumentCollection<CommentRecord>;
  private readonly reactions: DocumentCollection<ReactionRecord>;

  constructor(
    store: DocumentStore,
    private readonly outbox: OutboxWriter,
  ) {
    this.posts = store.collection<PostRecord & OutboxFields>(POSTS);
    this.comments = store.collection<CommentRecord>(POST_COMMENTS);
    this.reactions = store.collection<ReactionRecord>(POST_REACTIONS);
  }

  async ensureIndexes() {
    await Promise.all([
      this.posts.createIndexes([
        { key: { eventId: 1, createdAt: -1, _id: -1 }, name: 'event_createdAt' },
        { key: { authorId: 1 }, name: 'author' },
        { key: { outboxCount: 1 }, name: 'outboxCount' },
      ]),
      this.comments.createIndexes([
        { key: { postId: 1, seq: 1, _id: 1 }, name: 'post_seq' },
        { key: { authorId: 1 }, name: 'author' },
      ]),
      this.reactions.createIndexes([
        { key: { postId: 1 }, name: 'post' },
        { key: { userId: 1 }, name: 'user' },
      ]),
    ]);
  }

  // Posts

  /** Live posts in the order of `ids`, null where missing; one round trip. */
  async findByIds(ids: readonly string[]): Promise<(PostRecord | null)[]> {
    return inIdOrder(ids, await this.posts.find({ _id: { $in: [...ids] }, deleted: false }));
  }

  findById(id: string): Promise<PostRecord | null> {
    return this.posts.findOne({ _id: id, deleted: false });
  }

  /** One page of an event's posts, newest first in (createdAt, id) order; one round trip, plus one for totalCount when asked. */
  async page(eventId: string, first: number, position: TimePosition | null): Promise<PostPage> {
    const base: Filter = { eventId, deleted: false };
    const filter = position
      ? {
          ...base,
          $or: [{ createdAt: { $lt: position.time } }, { createdAt: position.time, _id: { $lt: position.id } }],
        }
      : base;
    const rows = await this.posts.find(filter, { sort: { createdAt: -1, _id: -1 }, limit: first + 1 });
    return {
      items: rows.slice(0, first),
      hasNextPage: rows.length > first,
      cursorOf: (post) => timeCursor.encode({ time: post.createdAt, id: post._id }),
      count: () => this.posts.count(base),
    };
  }

  /** Inserts a new post together with its domain events. */
  async insert(post: PostRecord, messages: readonly OutboxMessage[] = []): Promise<PostRecord> {
    const stored = { ...post, ...this.outbox.onInsert(messages) };
    await this.outbox.recording(this.posts.insertOne(stored), messages, { collection: POSTS, id: post._id });
    return stored;
  }

  /** Hides the post; null when it was gone already. */
  markDeleted(id: string, at: Date): Promise<PostRecord | null> {
    return this.posts.findOneAndUpdate({ _id: id, deleted: false }, { $set: { deleted: true, updatedAt: at } });
  }

  /** Counts a new comment and hands out its number (the returned post's `commentSeq`). */
  countComment(id: string): Promise<PostRecord | null> {
    return this.posts.findOneAndUpdate({ _id: id, deleted: false }, { $inc: { commentCount: 1, commentSeq: 1 } });
  }

  /** Uncounts a removed comment on the live post. */
  uncountComment(id: string): Promise<PostRecord | null> {
    return this.posts.findOneAndUpdate({ _id: id, deleted: false }, { $inc: { commentCount: -1 } });
  }

  /** Moves one person's reaction between kinds (null: none) on the live post. */
  moveReaction(id: string, from: Reaction | null, to: Reaction | null): Promise<PostRecord | null> {
    return this.posts.findOneAndUpdate({ _id: id, deleted: false }, { $inc: reactionMove(from, to) });
  }

  /**
   * Removes a post marked deleted once nothing is pending in its outbox; otherwise the
   * relay removes it after publishing (so a deletion never swallows `event.post.created`).
   */
  async removeIfFlushed(id: string): Promise<void> {
    await this.posts.deleteOne({ _id: id, deleted: true, outboxCount: 0 });
  }

  // Comments

  findComment(id: string): Promise<CommentRecord | null> {
    return this.comments.findOne({ _id: id });
  }

  insertComment(comment: CommentRecord): Promise<void> {
    return this.comments.insertOne(comment);
  }

  /** 1 when this call removed the comment, 0 when it was gone already. */
  deleteComment(id: string): Promise<number> {
    return this.comments.deleteOne({ _id: id });
  }

  /** Every comment of one post: one indexed `deleteMany`, bounded by the post. */
  deleteCommentsOf(postId: string): Promise<number> {
    return this.comments.deleteMany({ postId });
  }

  /** A page of one post's comments after `position`, oldest first; one round trip. */
  async commentPage(post: PostRecord, first: number, position: SeqPosition | null): Promise<CommentPage> {
    const filter: Filter = position
      ? { postId: post._id, $or: [{ seq: { $gt: position.seq } }, { seq: position.seq, _id: { $gt: position.id } }] }
      : { postId: post._id };
    const rows = await this.comments.find(filter, { sort: { seq: 1, _id: 1 }, limit: first + 1 });
    return commentPage(rows, first, post.commentCount);
  }

  /**
   * The first page of comments of many posts in one round trip (a per-request DataLoader
   * batches `Post.comments` through here).
   *
   * Comments carry a per-post `seq`; a post's first `first + 1` live comments all have
   * `seq <= first + 1 + (commentSeq - commentCount)`, because at most
   * `commentSeq - commentCount` numbers lost their comment. So one `$or` of per-post index
   * ranges fetches at most about `first + 1` comments per post, however long the thread is
   * (a plain `postId $in` would read every comment of every post on the page). Chosen over
   * a denormalised "latest comments" array on the post, which would need `$push`/`$slice`
   * and `$pull` (only partly supported on FerretDB) and a second copy to keep right across
   * deletes without transactions.
   */
  async firstComments(requests: readonly CommentPreviewRequest[]): Promise<CommentPage[]> {
    const withComments = requests.filter((request) => request.post.commentCount > 0);
    const bound = (request: CommentPreviewRequest) =>
      request.first + 1 + Math.max(0, request.post.commentSeq - request.post.commentCount);
    const rows =
      withComments.length === 0
        ? []
        : await this.comments.find(
            { $or: withComments.map((request) => ({ postId: request.post._id, seq: { $lte: bound(request) } })) },
            // The limit sizes the reply to hold every match at once (no getMore round trip).
            { sort: { postId: 1, seq: 1, _id: 1 }, limit: withComments.reduce((sum, request) => sum + bound(request), 0) },
          );
    const byPost = new Map<string, CommentRecord[]>();
    for (const row of rows) {
      const list = byPost.get(row.postId);
      if (list) list.push(row);
      else byPost.set(row.postId, [row]);
    }
    return requests.map((request) => commentPage(byPost.get(request.post._id) ?? [], request.first, request.post.commentCount));
  }

  // Reactions

  /** Reactions in the order of `ids`, null where missing; one round trip. */
  async reactionsByIds(ids: readonly string[]): Promise<(ReactionRecord | null)[]> {
    return inIdOrder(ids, await this.reactions.find({ _id: { $in: [...ids] } }));
  }

  findReaction(id: string): Promise<ReactionRecord | null> {
    return this.reactions.findOne({ _id: id });
  }

  /** @throws DuplicateKeyError when this person reacted meanwhile */
  insertReaction(reaction: ReactionRecord): Promise<void> {
    return this.reactions.insertOne(reaction);
  }

  /** Changes a reaction only if it is still `from`; false when it changed meanwhile. */
  async changeReaction(id: string, from: Reaction, to: Reaction, at: Date): Promise<boolean> {
    const result = await this.reactions.updateOne({ _id: id, reaction: from }, { $set: { reaction: to, updatedAt: at } });
    return result.matched === 1;
  }

  /** Removes a reaction only if it is still `from`; false when it changed meanwhile. */
  async removeReaction(id: string, from: Reaction): Promise<boolean> {
    return (await this.reactions.deleteOne({ _id: id, reaction: from })) === 1;
  }

  // A deleted user

  /** Up to `limit` of a user's reactions, for the cleanup after `user.deleted`. */
  reactionsOfUser(userId: string, limit: number): Promise<ReactionRecord[]> {
    return this.reactions.find({ userId }, { limit });
  }

  /** Up to `limit` posts (live or not) still naming `userId` as author. */
  postsByAuthor(userId: string, limit: number): Promise<PostRecord[]> {
    return this.posts.find({ authorId: userId }, { limit });
  }

  /** Clears the author of one post by `_id` (posts also take `$inc`s, so never through updateMany). */
  async anonymisePost(id: string, userId: string): Promise<boolean> {
    return (await this.posts.updateOne({ _id: id, authorId: userId }, { $set: { authorId: null } })).matched === 1;
  }

  /** Up to `limit` comments by `userId`, for the cleanup after `user.deleted`. */
  commentsByAuthor(userId: string, limit: number): Promise<CommentRecord[]> {
    return this.comments.find({ authorId: userId }, { limit });
  }

  /** Uncounts a removed reaction on one post by `_id`, deleted or not. */
  async uncountReaction(postId: string, reaction: Reaction): Promise<void> {
    await this.posts.updateOne({ _id: postId }, { $inc: reactionMove(reaction, null) });
  }

  /** Every reaction to one post: one indexed `deleteMany`, bounded by the post. */
  deleteReactionsOf(postId: string): Promise<number> {
    return this.reactions.deleteMany({ postId });
  }
}

function reactionMove(from: Reaction | null, to: Reaction | null): Record<string, number> {
  const inc: Record<string, number> = {};
  if (from) inc[`reactionCounts.${countFieldOf(from)}`] = -1;
  if (to) inc[`reactionCounts.${countFieldOf(to)}`] = (inc[`reactionCounts.${countFieldOf(to)}`] ?? 0) + 1;
  return inc;
}
