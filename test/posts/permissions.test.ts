import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoEvents } from '../../src/demo/seed.js';
import type { EventPrivacy, EventRecord } from '../../src/domain/events/model.js';
import { noRelations, type ViewerRelations } from '../../src/domain/events/privacy.js';
import { emptyReactionCounts, type CommentRecord, type PostRecord } from '../../src/domain/posts/model.js';
import { canDeleteComment, canDeletePost, canParticipate } from '../../src/domain/posts/permissions.js';
import { anonymous, type Viewer } from '../../src/domain/users/model.js';

const user = (id: string): Viewer => ({ kind: 'user', id });

function event(privacy: EventPrivacy): EventRecord {
  return { ...demoEvents(1)[0]!, _id: 'e1', hostId: 'host', coHostIds: ['cohost'], privacy, status: 'ACTIVE' };
}

const post: PostRecord = {
  _id: 'p1', eventId: 'e1', authorId: 'author', body: 'b', mediaUrls: [], reactionCounts: emptyReactionCounts(),
  commentCount: 1, commentSeq: 1, createdAt: new Date(), updatedAt: new Date(), deleted: false,
};
const comment: CommentRecord = { _id: 'c1', postId: 'p1', eventId: 'e1', authorId: 'commenter', body: 'c', seq: 1, createdAt: new Date() };

const member: ViewerRelations = { friendIds: new Set(), memberEventIds: new Set(['e1']) };
const friendOfHost: ViewerRelations = { friendIds: new Set(['host']), memberEventIds: new Set() };

describe('discussion permissions', () => {
  it('lets organisers and members (invited or answered) write on a PRIVATE event, nobody else', () => {
    const secret = event('PRIVATE');
    assert.equal(canParticipate(secret, user('host'), noRelations), true);
    assert.equal(canParticipate(secret, user('cohost'), noRelations), true);
    assert.equal(canParticipate(secret, user('guest'), member), true);
    assert.equal(canParticipate(secret, user('friend'), friendOfHost), false);
    assert.equal(canParticipate(secret, user('stranger'), noRelations), false);
    assert.equal(canParticipate(secret, anonymous, noRelations), false);
  });

  it('lets whoever can see a PUBLIC or FRIENDS event write, when signed in', () => {
    assert.equal(canParticipate(event('PUBLIC'), user('stranger'), noRelations), true);
    assert.equal(canParticipate(event('PUBLIC'), anonymous, noRelations), false);
    assert.equal(canParticipate(event('FRIENDS'), user('friend'), friendOfHost), true);
    assert.equal(canParticipate(event('FRIENDS'), user('stranger'), noRelations), false);
  });

  it('lets authors, the host and co-hosts delete', () => {
    const e = event('PUBLIC');
    for (const id of ['author', 'host', 'cohost']) assert.equal(canDeletePost(post, e, user(id)), true, id);
    assert.equal(canDeletePost(post, e, user('commenter')), false);
    for (const id of ['commenter', 'author', 'host', 'cohost']) assert.equal(canDeleteComment(comment, post, e, user(id)), true, id);
    assert.equal(canDeleteComment(comment, post, e, user('stranger')), false);
    assert.equal(canDeleteComment({ ...comment, authorId: null }, { ...post, authorId: null }, e, anonymous), false);
  });
});
