import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventInput, startTestApp, uniqueUser, type GqlResult, type StoreMode, type TestApp } from '../support/app.js';
import { befriend } from '../support/seed.js';

const POST_FIELDS = `
  id body mediaUrls createdAt updatedAt commentCount viewerReaction
  event { id } author { id }
  reactionCounts { like love haha wow sad total }
`;

const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`;
const CREATE_POST = `mutation($e: ID!, $b: String!, $m: [String!]) { createPost(eventId: $e, body: $b, media: $m) { ${POST_FIELDS} } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) }`;
const ADD_COMMENT = `mutation($p: ID!, $b: String!) { addComment(postId: $p, body: $b) { id body createdAt author { id } post { id commentCount } } }`;
const DELETE_COMMENT = `mutation($id: ID!) { deleteComment(id: $id) }`;
const REACT = `mutation($p: ID!, $r: Reaction) { reactToPost(postId: $p, reaction: $r) { id viewerReaction reactionCounts { like love haha wow sad total } } }`;
const POSTS = `query($e: ID!, $first: Int, $after: String) {
  event(id: $e) {
    stats { posts }
    posts(first: $first, after: $after) { edges { cursor node { ${POST_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount }
  }
}`;
const COMMENTS = `query($e: ID!, $first: Int, $after: String) {
  event(id: $e) { posts { edges { node { id commentCount comments(first: $first, after: $after) {
    edges { cursor node { id body author { id } } } pageInfo { hasNextPage endCursor } totalCount
  } } } } }
}`;
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Post { id body event { id } author { id } } } }`;

interface PostView {
  id: string;
  body: string;
  mediaUrls: string[];
  commentCount: number;
  viewerReaction: string | null;
  event: { id: string };
  author: { id: string } | null;
  reactionCounts: Record<'like' | 'love' | 'haha' | 'wow' | 'sad' | 'total', number>;
}

interface PostsResult {
  event: {
    stats: { posts: number };
    posts: {
      edges: { cursor: string; node: PostView }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
    };
  } | null;
}

interface CommentsResult {
  event: {
    posts: {
      edges: {
        node: {
          id: string;
          commentCount: number;
          comments: {
            edges: { cursor: string; node: { id: string; body: string; author: { id: string } | null } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            totalCount: number;
          };
        };
      }[];
    };
  };
}

function ok<T>(result: GqlResult<T>): T {
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!;
}

function code(result: GqlResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

const counts = (like = 0, love = 0, haha = 0, wow = 0, sad = 0) => ({ like, love, haha, wow, sad, total: like + love + haha + wow + sad });

for (const mode of ['embedded', 'real'] as StoreMode[]) {
  describe(`posts (${mode} stores)`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ mode });
    });
    after(() => app.stop());

    async function createEvent(host: string, overrides: Record<string, unknown> = {}): Promise<string> {
      return ok(await app.gql<{ createEvent: { id: string } }>(CREATE_EVENT, { input: eventInput(overrides) }, host)).createEvent.id;
    }

    async function post(eventId: string, author: string, body = 'Who brings snacks?', media?: string[]): Promise<PostView> {
      return ok(await app.gql<{ createPost: PostView }>(CREATE_POST, { e: eventId, b: body, m: media }, author)).createPost;
    }

    async function comment(postId: string, author: string, body: string): Promise<string> {
      return ok(await app.gql<{ addComment: { id: string } }>(ADD_COMMENT, { p: postId, b: body }, author)).addComment.id;
    }

    async function list(eventId: string, viewer?: string, first?: number, afterCursor?: string | null) {
      return ok(await app.gql<PostsResult>(POSTS, { e: eventId, first, after: afterCursor }, viewer)).event;
    }

    it('creates posts with trimmed body and media, and lists them newest first with cursors', async () => {
      const host = uniqueUser('host');
      const guest = uniqueUser('guest');
      const eventId = await createEvent(host);
      const first = await post(eventId, guest, '  Who brings snacks?  ', ['https://cdn.example.com/a.jpg']);
      assert.equal(first.body, 'Who brings snacks?');
      assert.deepEqual(first.mediaUrls, ['https://cdn.example.com/a.jpg']);
      assert.deepEqual(first.author, { id: guest });
      assert.deepEqual(first.event, { id: eventId });
      assert.equal(first.commentCount, 0);
      assert.equal(first.viewerReaction, null);
      assert.deepEqual(first.reactionCounts, counts());
      for (let i = 2; i <= 5; i++) await post(eventId, i % 2 ? guest : host, `P${i}`);

      const bodies: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: PostsResult['event'] & {} = (await list(eventId, guest, 2, cursor))!;
        const posts = page.posts;
        bodies.push(...posts.edges.map((edge) => edge.node.body));
        cursor = posts.pageInfo.hasNextPage ? posts.pageInfo.endCursor : null;
        pages += 1;
      } while (cursor);
      assert.deepEqual(bodies, ['P5', 'P4', 'P3', 'P2', 'Who brings snacks?']);
      assert.equal(pages, 3);
      const all = (await list(eventId))!;
      assert.equal(all.posts.totalCount, 5);
      assert.equal(all.stats.posts, 5);

      for (const bad of [0, 101]) {
        const result = await app.gql(POSTS, { e: eventId, first: bad });
        assert.equal(result.errors?.[0]?.extensions?.field, 'first');
      }
      const badCursor = await app.gql(POSTS, { e: eventId, after: 'garbage' });
      assert.equal(badCursor.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(badCursor.errors?.[0]?.extensions?.field, 'after');
    });

    it('names the offending field for every validation rule and writes nothing', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(host);
      const cases: [Record<string, unknown>, string][] = [
        [{ b: '' }, 'body'],
        [{ b: '   ' }, 'body'],
        [{ b: 'x'.repeat(5001) }, 'body'],
        [{ m: Array.from({ length: 11 }, (_, i) => `https://cdn.example.com/${i}.jpg`) }, 'media'],
        [{ m: ['https://cdn.example.com/ok.jpg', 'ftp://example.com/x.jpg'] }, 'media.1'],
        [{ m: ['not a url'] }, 'media.0'],
      ];
      for (const [overrides, field] of cases) {
        const result = await app.gql(CREATE_POST, { e: eventId, b: 'Hello', ...overrides }, host);
        assert.equal(code(result), 'BAD_USER_INPUT', `${field}: ${JSON.stringify(result.errors)}`);
        assert.equal(result.errors?.[0]?.extensions?.field, field);
        assert.equal(JSON.stringify(result).includes('    at '), false, 'no stack trace');
      }
      assert.equal((await post(eventId, host, 'x'.repeat(5000))).body.length, 5000);
      const tenMedia = Array.from({ length: 10 }, (_, i) => `http://cdn.example.com/${i}.jpg`);
      assert.equal((await post(eventId, host, 'ten', tenMedia)).mediaUrls.length, 10);
      assert.equal((await list(eventId))!.stats.posts, 2);

      const target = await post(eventId, host);
      for (const [body, field] of [['', 'body'], [' \n ', 'body'], ['x'.repeat(2001), 'body']] as const) {
        const result = await app.gql(ADD_COMMENT, { p: target.id, b: body }, host);
        assert.equal(code(result), 'BAD_USER_INPUT');
        assert.equal(result.errors?.[0]?.extensions?.field, field);
      }
      await comment(target.id, host, 'x'.repeat(2000));
      const unknownEvent = await app.gql(CREATE_POST, { e: 'no-such-event', b: 'Hello' }, host);
      assert.equal(code(unknownEvent), 'NOT_FOUND');
      assert.equal(unknownEvent.errors?.[0]?.extensions?.field, 'eventId');
      const unknownPost = await app.gql(ADD_COMMENT, { p: 'no-such-post', b: 'Hello' }, host);
      assert.equal(code(unknownPost), 'NOT_FOUND');
      assert.equal(unknownPost.errors?.[0]?.extensions?.field, 'postId');
      const badReaction = await app.gql(REACT, { p: target.id, r: 'ANGRY' }, host);
      assert.equal(code(badReaction), 'BAD_USER_INPUT');
    });

    it('lets anyone read a public discussion but only signed-in people write', async () => {
      const host = uniqueUser('host');
      const eventId = await createEvent(host);
      const mine = await post(eventId, host);
      const anonymousRead = (await list(eventId))!;
      assert.equal(anonymousRead.posts.edges[0]?.node.id, mine.id);
      assert.equal(anonymousRead.posts.edges[0]?.node.viewerReaction, null);
      assert.equal(code(await app.gql(CREATE_POST, { e: eventId, b: 'Hi' })), 'UNAUTHENTICATED');
      assert.equal(code(await app.gql(ADD_COMMENT, { p: mine.id, b: 'Hi' })), 'UNAUTHENTICATED');
      assert.equal(code(await app.gql(REACT, { p: mine.id, r: 'LIKE' })), 'UNAUTHENTICATED');
      assert.equal(code(await app.gql(DELETE_POST, { id: mine.id })), 'UNAUTHENTICATED');
    });

    it('keeps a PRIVATE discussion to organisers and members; FRIENDS to who can see the event', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const friend = uniqueUser('friend');
      const stranger = uniqueUser('stranger');
      await befriend(app, host, friend);
      const secret = await createEvent(host, { privacy: 'PRIVATE' });
      await app.gql(`mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }`, { e: secret, u: cohost }, host);
      const hostPost = await post(secret, host, 'Secret plans');
      const cohostPost = await post(secret, cohost, 'More plans');
      assert.ok(cohostPost.id);

      for (const viewer of [stranger, friend, undefined]) {
        assert.equal(await list(secret, viewer), null);
        const denied = await app.gql(CREATE_POST, { e: secret, b: 'Let me in' }, viewer);
        assert.equal(code(denied), viewer ? 'NOT_FOUND' : 'UNAUTHENTICATED');
        if (viewer) {
          assert.equal(code(await app.gql(ADD_COMMENT, { p: hostPost.id, b: 'Hi' }, viewer)), 'NOT_FOUND');
          assert.equal(code(await app.gql(REACT, { p: hostPost.id, r: 'LIKE' }, viewer)), 'NOT_FOUND');
          assert.equal(code(await app.gql(DELETE_POST, { id: hostPost.id }, viewer)), 'NOT_FOUND');
        }
        const entities = await app.gql<{ _entities: unknown[] }>(ENTITIES, { reps: [{ __typename: 'Post', id: hostPost.id }] }, viewer);
        assert.deepEqual(entities.data?._entities, [null]);
      }
      assert.equal((await list(secret, cohost))!.posts.totalCount, 2);

      const friendsOnly = await createEvent(host, { privacy: 'FRIENDS' });
      assert.ok((await post(friendsOnly, friend, 'Count me in')).id);
      assert.equal(code(await app.gql(CREATE_POST, { e: friendsOnly, b: 'Me too' }, stranger)), 'NOT_FOUND');
    });

    it('lets the author, the host and co-hosts delete a post; others get FORBIDDEN; comments and reactions go with it', async () => {
      const host = uniqueUser('host');
      const cohost = uniqueUser('cohost');
      const author = uniqueUser('author');
      const other = uniqueUser('other');
      const eventId = await createEvent(host);
      await app.gql(`mutation($e: ID!, $u: ID!) { addCoHost(eventId: $e, userId: $u) { id } }`, { e: eventId, u: cohost }, host);
      const byAuthor = await post(eventId, author, 'one');
      const byHost = await post(eventId, author, 'two');
      const byCohost = await post(eventId, author, 'three');
      await comment(byHost.id, other, 'a comment');
      await app.gql(REACT, { p: byHost.id, r: 'LOVE' }, other);
      assert.equal((await list(eventId))!.stats.posts, 3);

      const denied = await app.gql(DELETE_POST, { id: byAuthor.id }, other);
      assert.equal(code(denied), 'FORBIDDEN');
      assert.equal(ok(await app.gql<{ deletePost: string }>(DELETE_POST, { id: byAuthor.id }, author)).deletePost, byAuthor.id);
      assert.equal(ok(await app.gql<{ deletePost: string }>(DELETE_POST, { id: byHost.id }, host)).deletePost, byHost.id);
      assert.equal(ok(await app.gql<{ deletePost: string }>(DELETE_POST, { id: byCohost.id }, cohost)).deletePost, byCohost.id);
      const again = await app.gql(DELETE_POST, { id: byHost.id }, host);
      assert.equal(code(again), 'NOT_FOUND');
      assert.equal(again.errors?.[0]?.extensions?.field, 'id');

      const after = (await list(eventId))!;
      assert.equal(after.stats.posts, 0);
      assert.equal(after.posts.edges.length, 0);
      assert.equal(await app.deps.store.collection('post_comments').count({ postId: byHost.id }), 0);
      assert.equal(await app.deps.store.collection('post_reactions').count({ postId: byHost.id }), 0);
      const entities = await app.gql<{ _entities: unknown[] }>(ENTITIES, { reps: [{ __typename: 'Post', id: byHost.id }] });
      assert.deepEqual(entities.data?._entities, [null]);
    });

    it('refuses new posts on a cancelled event with CONFLICT, while its discussion stays readable', async () => {
      const host = uniqueUser('host');
      const guest = uniqueUser('guest');
      const eventId = await createEvent(host);
      const before = await post(eventId, guest, 'See you there');
      ok(await app.gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Rain") { id } }`, { id: eventId }, host));
      const refused = await app.gql(CREATE_POST, { e: eventId, b: 'Too late' }, guest);
      assert.equal(code(refused), 'CONFLICT');
      assert.equal(refused.errors?.[0]?.extensions?.field, 'eventId');
      const read = (await list(eventId, guest))!;
      assert.deepEqual(read.posts.edges.map((edge) => edge.node.id), [before.id]);
      assert.equal(read.stats.posts, 1);
      assert.ok(await comment(before.id, host, 'Sorry, everyone'));
    });

    it('keeps one reaction per person, changeable and removable, with exact counts', async () => {
      const host = uniqueUser('host');
      const [a, b, c] = [uniqueUser('a'), uniqueUser('b'), uniqueUser('c')];
      const eventId = await createEvent(host);
      const target = await post(eventId, host);
      const react = async (user: string, reaction: string | null) =>
        ok(await app.gql<{ reactToPost: Pick<PostView, 'viewerReaction' | 'reactionCounts'> }>(REACT, { p: target.id, r: reaction }, user)).reactToPost;

      assert.deepEqual(await react(a, 'LIKE'), { id: target.id, viewerReaction: 'LIKE', reactionCounts: counts(1) });
      assert.deepEqual((await react(a, 'LIKE')).reactionCounts, counts(1), 'the same reaction again changes nothing');
      assert.deepEqual((await react(b, 'LIKE')).reactionCounts, counts(2));
      const changed = await react(a, 'WOW');
      assert.equal(changed.viewerReaction, 'WOW');
      assert.deepEqual(changed.reactionCounts, counts(1, 0, 0, 1));
      const removed = await react(b, null);
      assert.equal(removed.viewerReaction, null);
      assert.deepEqual(removed.reactionCounts, counts(0, 0, 0, 1));
      assert.deepEqual((await react(c, null)).reactionCounts, counts(0, 0, 0, 1), 'removing nothing changes nothing');

      // The same person from several devices at once, and many people at once.
      const races = await Promise.all(['LIKE', 'LOVE', 'HAHA', 'SAD', 'LOVE', null, 'HAHA'].map((r) => app.gql(REACT, { p: target.id, r }, c)));
      for (const result of races) assert.ok(!result.errors || code(result) === 'CONFLICT', JSON.stringify(result.errors));
      const crowd = Array.from({ length: 12 }, (_, i) => uniqueUser(`crowd${i}`));
      await Promise.all(crowd.map((user, i) => react(user, i % 2 ? 'LOVE' : 'SAD')));

      const [view] = (await list(eventId, a))!.posts.edges.map((edge) => edge.node);
      const stored = await app.deps.store.collection<{ _id: string; reaction: string; userId: string }>('post_reactions').find({ postId: target.id });
      const expected = { like: 0, love: 0, haha: 0, wow: 0, sad: 0 } as Record<string, number>;
      for (const row of stored) expected[row.reaction.toLowerCase()]! += 1;
      assert.equal(new Set(stored.map((row) => row.userId)).size, stored.length, 'one reaction per person');
      assert.deepEqual(view!.reactionCounts, { ...expected, total: stored.length });
      assert.ok(view!.reactionCounts.love >= 6 && view!.reactionCounts.sad >= 6);
      assert.equal(view!.viewerReaction, 'WOW');
      const cView = (await list(eventId, c))!.posts.edges[0]!.node;
      assert.equal(cView.viewerReaction, stored.find((row) => row.userId === c)?.reaction ?? null);
    });

    it('adds comments oldest first with cursors and counts; deletion by comment author, post author or host', async () => {
      const host = uniqueUser('host');
      const author = uniqueUser('author');
      const [a, b] = [uniqueUser('a'), uniqueUser('b')];
      const eventId = await createEvent(host);
      const target = await post(eventId, author);
      const added = ok(
        await app.gql<{ addComment: { id: string; body: string; author: { id: string }; post: { id: string; commentCount: number } } }>(
          ADD_COMMENT,
          { p: target.id, b: '  first!  ' },
          a,
        ),
      ).addComment;
      assert.equal(added.body, 'first!');
      assert.deepEqual(added.author, { id: a });
      assert.deepEqual(added.post, { id: target.id, commentCount: 1 });
      const ids = [added.id];
      for (let i = 2; i <= 5; i++) ids.push(await comment(target.id, i % 2 ? a : b, `c${i}`));

      const bodies: string[] = [];
      let cursor: string | null = null;
      do {
        const result: CommentsResult = ok(await app.gql<CommentsResult>(COMMENTS, { e: eventId, first: 2, after: cursor }));
        const connection = result.event.posts.edges[0]!.node.comments;
        assert.equal(connection.totalCount, 5);
        bodies.push(...connection.edges.map((edge) => edge.node.body));
        cursor = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      } while (cursor);
      assert.deepEqual(bodies, ['first!', 'c2', 'c3', 'c4', 'c5']);

      const stranger = uniqueUser('stranger');
      assert.equal(code(await app.gql(DELETE_COMMENT, { id: ids[1] }, stranger)), 'FORBIDDEN');
      assert.equal(code(await app.gql(DELETE_COMMENT, { id: ids[1] }, a)), 'FORBIDDEN', "not a's comment");
      assert.equal(ok(await app.gql<{ deleteComment: string }>(DELETE_COMMENT, { id: ids[1] }, b)).deleteComment, ids[1]);
      ok(await app.gql(DELETE_COMMENT, { id: ids[0] }, author));
      ok(await app.gql(DELETE_COMMENT, { id: ids[2] }, host));
      const gone = await app.gql(DELETE_COMMENT, { id: ids[2] }, host);
      assert.equal(code(gone), 'NOT_FOUND');
      assert.equal(gone.errors?.[0]?.extensions?.field, 'id');

      // Deleted comments leave gaps; the first page still holds the first live ones.
      ids.push(await comment(target.id, a, 'c6'));
      const result = ok(await app.gql<CommentsResult>(COMMENTS, { e: eventId, first: 2 })).event.posts.edges[0]!.node;
      assert.equal(result.commentCount, 3);
      assert.deepEqual(result.comments.edges.map((edge) => edge.node.body), ['c4', 'c5']);
      assert.equal(result.comments.pageInfo.hasNextPage, true);
      const all = ok(await app.gql<CommentsResult>(COMMENTS, { e: eventId, first: 10 })).event.posts.edges[0]!.node.comments;
      assert.deepEqual(all.edges.map((edge) => edge.node.body), ['c4', 'c5', 'c6']);
      assert.equal(all.pageInfo.hasNextPage, false);
    });

    it('forgets a deleted user: reactions and comments removed and uncounted, posts kept without an author', async () => {
      const host = uniqueUser('host');
      const leaver = uniqueUser('leaver');
      const stayer = uniqueUser('stayer');
      const eventId = await createEvent(host);
      const theirs = await post(eventId, leaver, 'Goodbye');
      const other = await post(eventId, host, 'Hello');
      await comment(other.id, leaver, 'bye all');
      await app.gql(REACT, { p: other.id, r: 'LOVE' }, leaver);
      await app.gql(REACT, { p: other.id, r: 'LOVE' }, stayer);
      await app.gql(REACT, { p: theirs.id, r: 'SAD' }, leaver);

      assert.ok(app.deps.userCleanup.stepNames.includes('posts'));
      await app.deps.userCleanup.removeUser(leaver);
      await app.deps.userCleanup.removeUser(leaver);

      const nodes = (await list(eventId, stayer))!.posts.edges.map((edge) => edge.node);
      assert.deepEqual(nodes.map((node) => [node.body, node.author, node.reactionCounts.total]), [
        ['Hello', { id: host }, 1],
        ['Goodbye', null, 0],
      ]);
      assert.deepEqual(nodes[0]!.reactionCounts, counts(0, 1));
      const thread = ok(await app.gql<CommentsResult>(COMMENTS, { e: eventId }));
      assert.deepEqual(thread.event.posts.edges[0]!.node.comments.edges, []);
      assert.equal((await app.deps.posts.findById(other.id))?.commentCount, 0);
      assert.equal(await app.deps.store.collection('post_reactions').count({ userId: leaver }), 0);
    });

    it('resolves Post entities for the router, visible ones only', async () => {
      const host = uniqueUser('host');
      const guest = uniqueUser('guest');
      const eventId = await createEvent(host);
      const hidden = await createEvent(host, { privacy: 'PRIVATE' });
      const shown = await post(eventId, guest, 'Public chat');
      const secret = await post(hidden, host, 'Private chat');
      const reps = [
        { __typename: 'Post', id: shown.id },
        { __typename: 'Post', id: secret.id },
        { __typename: 'Post', id: 'no-such-post' },
      ];
      const asGuest = ok(await app.gql<{ _entities: unknown[] }>(ENTITIES, { reps }, guest))._entities;
      assert.deepEqual(asGuest, [{ id: shown.id, body: 'Public chat', event: { id: eventId }, author: { id: guest } }, null, null]);
      const asHost = ok(await app.gql<{ _entities: ({ id: string } | null)[] }>(ENTITIES, { reps }, host))._entities;
      assert.deepEqual(asHost.map((entity) => entity?.id ?? null), [shown.id, secret.id, null]);
    });
  });
}
