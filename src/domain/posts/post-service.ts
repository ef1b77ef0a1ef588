import { randomUUID } from 'node:crypto';
import { DuplicateKeyError } from '../../datasources/documents.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { EventRecord } from '../events/model.js';
import { parseInput } from '../events/validation.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { outboxOnInsert } from '../messaging/outbox.js';
import { decodeCursor, pageSize } from '../pagination.js';
import type { RequestScope } from '../request-scope.js';
import { decodeCommentCursor } from './comment-cursor.js';
import {
  countFieldOf,
  emptyReactionCounts,
  reactionId,
  type CommentPage,
  type CommentRecord,
  type PostPage,
  type PostRecord,
  type Reaction,
  type ReactionRecord,
} from './model.js';
import { canDeleteComment, canDeletePost, canParticipate } from './permissions.js';
import { commentBodySchema, postBodySchema, postMediaSchema } from './validation.js';

/** A few rounds settle a reaction raced by the same person from two devices. */
const REACTION_ATTEMPTS = 5;

/**
 * Discussion rules for one request. Reading follows the event's visibility. Writing
 * needs `canParticipate`; a cancelled event takes no new posts (CONFLICT) but its
 * thread stays open to comments and reactions, so people can still talk about the
 * cancellation. Counters live on the documents they describe (`stats.posts` on the
 * event; `reactionCounts` and `commentCount` on the post) and move by `$inc` on one
 * document by `_id`; each write claims its record first (conditional update or a unique
 * `_id`), so concurrent requests never count one change twice.
 */
export class PostService {
  constructor(private readonly scope: RequestScope) {}

  private get deps() {
    return this.scope.deps;
  }

  // Reads

  /** The post if it exists and the viewer may see its event; null otherwise (no existence leak). */
  async byId(id: string): Promise<PostRecord | null> {
    const post = await this.scope.loaders.postById.load(id);
    if (!post) return null;
    return (await this.scope.events.byId(post.eventId)) ? post : null;
  }

  /** An event's posts, newest first; the parent event has passed `canView` already, checked again here. */
  async forEvent(event: EventRecord, first: number | null | undefined, after: string | null | undefined): Promise<PostPage> {
    const size = pageSize(first);
    const position = decodeCursor(after);
    if (!(await this.scope.canView(event))) {
      return { items: [], hasNextPage: false, cursorOf: () => '', count: () => Promise.resolve(0) };
    }
    const page = await this.deps.posts.page(event._id, size, position);
    for (const post of page.items) this.scope.loaders.postById.prime(post._id, post);
    return page;
  }

  /** The event of a visible post (visible too, as that is what made the post visible). */
  async eventOf(post: PostRecord): Promise<EventRecord> {
    const event = await this.scope.events.byId(post.eventId);
    if (!event) throw new NotFoundError('Event', post.eventId, 'eventId');
    return event;
  }

  async postOf(comment: CommentRecord): Promise<PostRecord> {
    const post = await this.byId(comment.postId);
    if (!post) throw new NotFoundError('Post', comment.postId, 'postId');
    return post;
  }

  /** First pages go through a loader that fetches them for every post of the request at once. */
  comments(post: PostRecord, first: number | null | undefined, after: string | null | undefined): Promise<CommentPage> {
    const size = pageSize(first);
    const position = decodeCommentCursor(after);
    if (position) return this.deps.posts.commentPage(post, size, position);
    return this.scope.loaders.firstComments.load({ post, first: size });
  }

  async viewerReaction(post: PostRecord): Promise<Reaction | null> {
    const viewerId = this.scope.viewerId;
    if (!viewerId) return null;
    const reaction = await this.scope.loaders.reactionById.load(reactionId(post._id, viewerId));
    return reaction?.reaction ?? null;
  }

  // Writes

  async create(eventId: string, body: string, media: readonly string[] | null | undefined): Promise<PostRecord> {
    const authorId = this.scope.requireUser();
    const text = parseInput(postBodySchema, body, 'body');
    const mediaUrls = parseInput(postMediaSchema, media, 'media');
    const event = await this.writableEvent(eventId, () => new NotFoundError('Event', eventId, 'eventId'));
    if (event.status === 'CANCELLED') throw new ConflictError('the event is cancelled; it takes no new posts', 'eventId');
    await this.scope.consumeRateLimit('post');

    // Count first, on the condition that the event is still open: a cancellation racing
    // this request either stops it here or comes after the post. A crash before the
    // insert leaves the count one high, never a post without its count.
    const counted = await this.deps.events.update(eventId, { $inc: { 'stats.posts': 1 } }, { status: { $ne: 'CANCELLED' } });
    if (!counted) throw new ConflictError('the event was cancelled or deleted meanwhile', 'eventId');
    this.scope.loaders.eventById.clear(eventId).prime(eventId, counted);

    const now = new Date();
    const id = randomUUID();
    const created = cloudEvent(this.deps.config.eventSource, 'event.post.created', eventId, { eventId, postId: id, authorId }, now);
    const post: PostRecord = {
      _id: id,
      eventId,
      authorId,
      body: text,
      mediaUrls,
      reactionCounts: emptyReactionCounts(),
      commentCount: 0,
      commentSeq: 0,
      createdAt: now,
      updatedAt: now,
      deleted: false,
      ...outboxOnInsert([created]),
    };
    try {
      await this.deps.posts.insert(post);
    } catch (error) {
      await this.deps.events.update(eventId, { $inc: { 'stats.posts': -1 } });
      throw error;
    }
    this.scope.loaders.postById.clear(id).prime(id, post);
    this.deps.relay.kick();
    return post;
  }

  /**
   * Marks the post deleted, removes its comments and reactions (one indexed deleteMany
   * each), uncounts it on the event, then drops the document unless its outbox still
   * holds `event.post.created` (the relay drops it after publishing). A crash midway
   * leaves a `deleted` tombstone, which is invisible and marks the remaining clean-up.
   */
  async delete(id: string): Promise<string> {
    this.scope.requireUser();
    const post = await this.deps.posts.findById(id);
    const event = post && (await this.visibleEvent(post.eventId));
    if (!post || !event) throw new NotFoundError('Post', id, 'id');
    if (!canDeletePost(post, event, this.scope.viewer)) {
      throw new ForbiddenError('only the author, the host or a co-host can delete this post');
    }
    const marked = await this.deps.posts.update(id, { $set: { deleted: true, updatedAt: new Date() } });
    if (!marked) throw new NotFoundError('Post', id, 'id');
    this.scope.loaders.postById.clear(id);
    await this.deps.posts.deleteCommentsOf(id);
    await this.deps.posts.deleteReactionsOf(id);
    const uncounted = await this.deps.events.update(post.eventId, { $inc: { 'stats.posts': -1 } });
    if (uncounted) this.scope.loaders.eventById.clear(uncounted._id).prime(uncounted._id, uncounted);
    await this.deps.posts.removeIfFlushed(id);
    return id;
  }

  async addComment(postId: string, body: string): Promise<CommentRecord> {
    const authorId = this.scope.requireUser();
    const text = parseInput(commentBodySchema, body, 'body');
    const post = await this.deps.posts.findById(postId);
    if (!post) throw new NotFoundError('Post', postId, 'postId');
    await this.writableEvent(post.eventId, () => new NotFoundError('Post', postId, 'postId'));
    await this.scope.consumeRateLimit('post');

    // One post update takes the comment's number and counts it; the comment follows.
    const counted = await this.deps.posts.update(postId, { $inc: { commentCount: 1, commentSeq: 1 } });
    if (!counted) throw new NotFoundError('Post', postId, 'postId');
    const comment: CommentRecord = {
      _id: randomUUID(),
      postId,
      eventId: post.eventId,
      authorId,
      body: text,
      seq: counted.commentSeq,
      createdAt: new Date(),
    };
    try {
      await this.deps.posts.insertComment(comment);
    } catch (error) {
      await this.deps.posts.update(postId, { $inc: { commentCount: -1 } });
      throw error;
    }
    this.scope.loaders.postById.clear(postId).prime(postId, counted);
    return comment;
  }

  async deleteComment(id: string): Promise<string> {
    this.scope.requireUser();
    const comment = await this.deps.posts.findComment(id);
    const post = comment && (await this.deps.posts.findById(comment.postId));
    const event = post && (await this.visibleEvent(post.eventId));
    if (!comment || !post || !event) throw new NotFoundError('Comment', id, 'id');
    if (!canDeleteComment(comment, post, event, this.scope.viewer)) {
      throw new ForbiddenError("only the comment's author, the post's author, the host or a co-host can delete this comment");
    }
    // Only the request that removed the comment uncounts it.
    if ((await this.deps.posts.deleteComment(id)) === 0) throw new NotFoundError('Comment', id, 'id');
    const updated = await this.deps.posts.update(post._id, { $inc: { commentCount: -1 } });
    if (updated) this.scope.loaders.postById.clear(post._id).prime(post._id, updated);
    return id;
  }

  /**
   * Sets, changes (null removes) the viewer's reaction. The reaction record is claimed
   * first (insert with a unique `_id`, or an update/delete conditional on the reaction
   * read), then one post update moves the counts (-old +new); a lost race re-reads.
   */
  async react(postId: string, reaction: Reaction | null | undefined): Promise<PostRecord> {
    const userId = this.scope.requireUser();
    const wanted = reaction ?? null;
    const post = await this.deps.posts.findById(postId);
    if (!post) throw new NotFoundError('Post', postId, 'postId');
    await this.writableEvent(post.eventId, () => new NotFoundError('Post', postId, 'postId'));
    const id = reactionId(postId, userId);
    for (let attempt = 0; attempt < REACTION_ATTEMPTS; attempt++) {
      const current = await this.deps.posts.findReaction(id);
      const from = current?.reaction ?? null;
      if (from === wanted) {
        this.scope.loaders.reactionById.clear(id).prime(id, current);
        return post;
      }
      const now = new Date();
      const record: ReactionRecord | null =
        wanted === null
          ? null
          : { _id: id, postId, eventId: post.eventId, userId, reaction: wanted, createdAt: current?.createdAt ?? now, updatedAt: now };
      if (!(await this.claimReaction(record, id, from, wanted, now))) continue;

      const $inc: Record<string, number> = {};
      if (from) $inc[`reactionCounts.${countFieldOf(from)}`] = -1;
      if (wanted) $inc[`reactionCounts.${countFieldOf(wanted)}`] = 1;
      const updated = await this.deps.posts.update(postId, { $inc });
      if (!updated) {
        // The post was deleted meanwhile; its reactions go with it.
        await this.deps.posts.deleteReactionsOf(postId);
        throw new NotFoundError('Post', postId, 'postId');
      }
      this.scope.loaders.reactionById.clear(id).prime(id, record);
      this.scope.loaders.postById.clear(postId).prime(postId, updated);
      return updated;
    }
    throw new ConflictError('your reaction kept changing while this request ran; retry', 'reaction');
  }

  /** Writes the reaction record if it is still `from`; false when another request changed it first. */
  private async claimReaction(record: ReactionRecord | null, id: string, from: Reaction | null, to: Reaction | null, at: Date) {
    if (from === null) {
      try {
        await this.deps.posts.insertReaction(record!);
        return true;
      } catch (error) {
        if (error instanceof DuplicateKeyError) return false;
        throw error;
      }
    }
    if (to === null) return this.deps.posts.removeReaction(id, from);
    return this.deps.posts.changeReaction(id, from, to, at);
  }

  /** A fresh read, so permission checks never rest on a stale copy; null when not visible. */
  private async visibleEvent(eventId: string): Promise<EventRecord | null> {
    const event = await this.deps.events.findById(eventId);
    return event && (await this.scope.canView(event)) ? event : null;
  }

  private async writableEvent(eventId: string, notFound: () => NotFoundError): Promise<EventRecord> {
    const event = await this.visibleEvent(eventId);
    if (!event) throw notFound();
    if (!canParticipate(event, this.scope.viewer, await this.scope.relations())) {
      throw new ForbiddenError('only organisers, invitees and people who answered can take part in the discussion of this event');
    }
    return event;
  }
}
