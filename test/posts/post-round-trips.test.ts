import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import { emptyStats, type EventRecord } from '../../src/domain/events/model.js';
import { REACTIONS, emptyReactionCounts, reactionId, type CommentRecord, type PostRecord, type ReactionRecord } from '../../src/domain/posts/model.js';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';

const POSTS = 60;
const COMMENTS_PER_POST = 8;

describe('store round trips for a page of posts (FerretDB, counted by command monitoring)', () => {
  let app: TestApp;
  const commands: string[] = [];
  const host = uniqueUser('host');
  const viewer = uniqueUser('viewer');
  const eventId = `${host}-event`;

  before(async () => {
    // The outbox relay's polling would be counted too; it has nothing to do here.
    app = await startTestApp({ mode: 'real', onCommand: (name) => commands.push(name), env: { OUTBOX_POLL_MS: '3600000' } });
    const now = Date.now();
    const event: EventRecord = {
      ...demoEvents(1, new Date(now))[0]!,
      _id: eventId,
      hostId: host,
      coHostIds: [],
      privacy: 'PUBLIC',
      status: 'ACTIVE',
      startsAt: new Date(now + 86_400_000),
      endsAt: new Date(now + 90_000_000),
      stats: { ...emptyStats(), posts: POSTS },
    };
    await app.deps.events.insert(event);
    const comments: CommentRecord[] = [];
    const reactions: ReactionRecord[] = [];
    for (let i = 0; i < POSTS; i++) {
      const postId = `${eventId}-post-${i}`;
      const createdAt = new Date(now - i * 60_000);
      const reactionCounts = emptyReactionCounts();
      // Every other post has the viewer's reaction; one has two deleted comments (seq gaps).
      if (i % 2 === 0) {
        const reaction = REACTIONS[i % REACTIONS.length]!;
        reactions.push({ _id: reactionId(postId, viewer), postId, eventId, userId: viewer, reaction, createdAt, updatedAt: createdAt });
        reactionCounts[reaction.toLowerCase() as keyof typeof reactionCounts] += 1;
      }
      const skipped = i === 1 ? new Set([1, 2]) : new Set<number>();
      for (let seq = 1; seq <= COMMENTS_PER_POST; seq++) {
        if (skipped.has(seq)) continue;
        comments.push({ _id: `${postId}-c${seq}`, postId, eventId, authorId: uniqueUser('commenter'), body: `c${seq}`, seq, createdAt });
      }
      const post: PostRecord = {
        _id: postId,
        eventId,
        authorId: uniqueUser('author'),
        body: `Post ${i}`,
        mediaUrls: [],
        reactionCounts,
        commentCount: COMMENTS_PER_POST - skipped.size,
        commentSeq: COMMENTS_PER_POST,
        createdAt,
        updatedAt: createdAt,
        deleted: false,
      };
      await app.deps.posts.insert(post);
    }
    await app.deps.store.collection<CommentRecord>('post_comments').insertMany(comments);
    await app.deps.store.collection<ReactionRecord>('post_reactions').insertMany(reactions);
  });
  after(() => app.stop());

  interface PageResult {
    event: {
      posts: {
        edges: {
          node: {
            id: string;
            author: { id: string } | null;
            reactionCounts: { total: number };
            viewerReaction: string | null;
            comments: { edges: { node: { body: string } }[]; pageInfo: { hasNextPage: boolean } };
          };
        }[];
      };
    };
  }

  async function countFor(first: number) {
    const query = `query($e: ID!, $first: Int) {
      event(id: $e) { id posts(first: $first) { edges { node {
        id body createdAt author { id } reactionCounts { like love haha wow sad total } viewerReaction commentCount
        comments(first: 3) { edges { node { id body createdAt author { id } } } pageInfo { hasNextPage } }
      } } } }
    }`;
    commands.length = 0;
    const result = await app.gql<PageResult>(query, { e: eventId, first }, viewer);
    const sent = [...commands];
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { sent, edges: result.data!.event.posts.edges };
  }

  it('resolves 50 posts with author, reaction counts, viewer reaction and 3 comments each in at most 6 round trips', async () => {
    const { sent, edges } = await countFor(50);
    assert.equal(edges.length, 50);
    // The viewer's memberships (answers and invitations) take two of them.
    assert.ok(sent.length <= 6, `sent ${sent.length}: ${sent.join(', ')}`);
    for (const [i, { node }] of edges.entries()) {
      assert.ok(node.author);
      assert.equal(node.viewerReaction, i % 2 === 0 ? REACTIONS[i % REACTIONS.length] : null);
      assert.equal(node.reactionCounts.total, i % 2 === 0 ? 1 : 0);
      const expected = i === 1 ? ['c3', 'c4', 'c5'] : ['c1', 'c2', 'c3'];
      assert.deepEqual(node.comments.edges.map((edge) => edge.node.body), expected);
      assert.equal(node.comments.pageInfo.hasNextPage, true);
    }
  });

  it('costs the same number of round trips whatever the page size', async () => {
    const small = await countFor(5);
    const large = await countFor(50);
    assert.equal(small.sent.length, large.sent.length, `${small.sent.join(', ')} vs ${large.sent.join(', ')}`);
  });
});
