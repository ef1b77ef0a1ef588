import { randomUUID } from 'node:crypto';
import { DuplicateKeyError } from '../../datasources/documents.js';
import type { EventRepository } from '../../datasources/event-repository.js';
import type { Loaders } from '../../datasources/loaders.js';
import { emptyPage, seqCursor, timeCursor } from '../../datasources/paging.js';
import type { PostRepository } from '../../datasources/post-repository.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { EventRecord } from '../events/model.js';
import { parseInput } from '../input.js';
import { PostCreated } from '../messaging/event-messages.js';
import { pageSize } from '../pagination.js';
import type { ViewerAccess } from '../viewer-access.js';
import {
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
export interface PostServiceDeps {
  events: Pick<EventRepository, 'countPost' | 'uncountPost'>;
  posts: PostRepository;
  eventSource: string;
  /** An event as the viewer may see it (the events service's rule, through its loader). */
  visibleEvent: (id: string) => Promise<EventRecord | null>;
}

export class PostService {
  constructor(
    private readonly deps: PostServiceDeps,
    private readonly access: ViewerAccess,
    private readonly loaders: Pick<Loaders, 'eventById' | 'postById' | 'reactionById' | 'firstComments'>,
  ) {}

  // Reads

  /** The post if it exists and the viewer may see its event; null otherwise (no existence leak). */
  async byId(id: string): Promise<PostRecord | null> {
    const post = await this.loaders.postById.load(id);
    if (!post) return null;
    return (await this.deps.visibleEvent(post.eventId)) ? post : null;
  }

  /** An event's posts, newest first; the parent event has passed `canView` already, checked again here. */
  async forEvent(event: EventRecord, first: number | null | undefined, after: string | null | undefined): Promise<PostPage> {
    const size = pageSize(first);
    const position = timeCursor.decode(after);
    if (!(await this.access.canView(event))) return emptyPage();
    const page = await this.deps.posts.page(event._id, size, position);
    for (const post of page.items) this.loaders.postById.prime(post._id, post);
    return page;
  }

  /** The event of a visible post (visible too, as that is what made the post visible). */
  async eventOf(post: PostRecord): Promise<EventRecord> {
    const event = await this.deps.visibleEvent(post.eventId);
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
    const position = seqCursor.decode(after);
    if (position) return this.deps.posts.commentPage(post, size, position);
    return this.loaders.firstComments.load({ post, first: size });
  }

  async viewerReaction(post: PostRecord): Promise<Reaction | null> {
    const viewerId = this.access.viewerId;
    if (!viewerId) return null;
    const reaction = await this.loaders.reactionById.load(reactionId(post._id, viewerId));
    return reaction?.reaction ?? null;
  }

  // Writes

  async create(eventId: string, body: string, media: readonly string[] | null | undefined): Promise<PostRecord> {
    const authorId = this.access.requireUser();
    const text = parseInput(postBodySchema, body, 'body');
    const mediaUrls = parseInput(postMediaSchema, media, 'media');
    const event = await this.writableEvent(eventId, () => new NotFoundError('Event', eventId, 'eventId'));
    if (event.status === 'CANCELLED') throw new ConflictError('the event is cancelled; it takes no new posts', 'eventId');
    await this.access.consumeRateLimit('post');

    // Count first, on the condition that the event is still open: a cancellation racing
    // this request either stops it here or comes after the post. A crash before the
    // insert leaves the count one high, never a post without its count.
    const counted = await this.deps.events.countPost(eventId);
    if (!counted) throw new ConflictError('the event was cancelled or deleted meanwhile', 'eventId');
    this.loaders.eventById.clear(eventId).prime(eventId, counted);

    const now = new Date();
    const id = randomUUID();
    const created = PostCreated.create(this.deps.eventSource, eventId, { eventId, postId: id, authorId }, now);
    const record: PostRecord = {
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
    };
    let post: PostRecord;
    try {
      post = await this.deps.posts.insert(record, [created]);
    } catch (error) {
      await this.deps.events.uncountPost(eventId);
      throw error;
    }
    this.loaders.postById.clear(id).prime(id, post);
    return post;
  }

  /**
   * Marks the post deleted, removes its comments and reactions (one indexed deleteMany
   * each), uncounts it on the event, then drops the document unless its outbox still
   * holds `event.post.created` (the relay drops it after publishing). A crash midway
   * leaves a `deleted` tombstone, which is invisible and marks the remaining clean-up.
   */
  async delete(id: string): Promise<string> {
    this.access.requireUser();
    const post = await this.deps.posts.findById(id);
    const event = post && (await this.access.visibleEvent(post.eventId));
    if (!post || !event) throw new NotFoundError('Post', id, 'id');
    if (!canDeletePost(post, event, this.access.viewer)) {
      throw new ForbiddenError('only the author, the host or a co-host can delete this post');
    }
    const marked = await this.deps.posts.markDeleted(id, new Date());
    if (!marked) throw new NotFoundError('Post', id, 'id');
    this.loaders.postById.clear(id);
    await this.deps.posts.deleteCommentsOf(id);
    await this.deps.posts.deleteReactionsOf(id);
    const uncounted = await this.deps.events.uncountPost(post.eventId);
    if (uncounted) this.loaders.eventById.clear(uncounted._id).prime(uncounted._id, uncounted);
    await this.deps.posts.removeIfFlushed(id);
    return id;
  }

  async addComment(postId: string, body: string): Promise<CommentRecord> {
    const authorId = this.access.requireUser();
    const text = parseInput(commentBodySchema, body, 'body');
    const post = await this.deps.posts.findById(postId);
    if (!post) throw new NotFoundError('Post', postId, 'postId');
    await this.writableEvent(post.eventId, () => new NotFoundError('Post', postId, 'postId'));
    await this.access.consumeRateLimit('post');

    // One post update takes the comment's number and counts it; the comment follows.
    const counted = await this.deps.posts.countComment(postId);
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
      await this.deps.posts.uncountComment(postId);
      throw error;
    }
    this.loaders.postById.clear(postId).prime(postId, counted);
    return comment;
  }

  async deleteComment(id: string): Promise<string> {
    this.access.requireUser();
    const comment = await this.deps.posts.findComment(id);
    const post = comment && (await this.deps.posts.findById(comment.postId));
    const event = post && (await this.access.visibleEvent(post.eventId));
    if (!comment || !post || !event) throw new NotFoundError('Comment', id, 'id');
    if (!canDeleteComment(comment, post, event, this.access.viewer)) {
      throw new ForbiddenError("only the comment's author, the post's author, the host or a co-host can delete this comment");
    }
    // Only the request that removed the comment uncounts it.
    if ((await this.deps.posts.deleteComment(id)) === 0) throw new NotFoundError('Comment', id, 'id');
    const updated = await this.deps.posts.uncountComment(post._id);
    if (updated) this.loaders.postById.clear(post._id).prime(post._id, updated);
    return id;
  }

  /**
   * Sets, changes (null removes) the viewer's reaction. The reaction record is claimed
   * first (insert with a unique `_id`, or an update/delete conditional on the reaction
   * read), then one post update moves the counts (-old +new); a lost race re-reads.
   */
  async react(postId: string, reaction: Reaction | null | undefined): Promise<PostRecord> {
    const userId = this.access.requireUser();
    const wanted = reaction ?? null;
    const post = await this.deps.posts.findById(postId);
    if (!post) throw new NotFoundError('Post', postId, 'postId');
    await this.writableEvent(post.eventId, () => new NotFoundError('Post', postId, 'postId'));
    const id = reactionId(postId, userId);
    for (let attempt = 0; attempt < REACTION_ATTEMPTS; attempt++) {
      const current = await this.deps.posts.findReaction(id);
      const from = current?.reaction ?? null;
      if (from === wanted) {
        this.loaders.reactionById.clear(id).prime(id, current);
        return post;
      }
      const now = new Date();
      const record: ReactionRecord | null =
        wanted === null
          ? null
          : { _id: id, postId, eventId: post.eventId, userId, reaction: wanted, createdAt: current?.createdAt ?? now, updatedAt: now };
      if (!(await this.claimReaction(record, id, from, wanted, now))) continue;

      const updated = await this.deps.posts.moveReaction(postId, from, wanted);
      if (!updated) {
        // The post was deleted meanwhile; its reactions go with it.
        await this.deps.posts.deleteReactionsOf(postId);
        throw new NotFoundError('Post', postId, 'postId');
      }
      this.loaders.reactionById.clear(id).prime(id, record);
      this.loaders.postById.clear(postId).prime(postId, updated);
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

  private async writableEvent(eventId: string, notFound: () => NotFoundError): Promise<EventRecord> {
    const event = await this.access.visibleEvent(eventId);
    if (!event) throw notFound();
    if (!canParticipate(event, this.access.viewer, await this.access.relations())) {
      throw new ForbiddenError('only organisers, invitees and people who answered can take part in the discussion of this event');
    }
    return event;
  }
}
