import type { EventRecord } from '../events/model.js';
import { canView, isOrganizer, type ViewerRelations } from '../events/privacy.js';
import type { Viewer } from '../users/model.js';
import type { CommentRecord, PostRecord } from './model.js';

/**
 * Who may write in an event's discussion (post, comment, react): a signed-in viewer who
 * can see the event; on a PRIVATE event also an organiser or a member (invited or
 * answered). `canView` implies the latter today; the rule is spelled out so a looser
 * PRIVATE visibility later cannot open the discussion by accident.
 */
export function canParticipate(event: EventRecord, viewer: Viewer, relations: ViewerRelations): boolean {
  if (viewer.kind !== 'user' || !canView(event, viewer, relations)) return false;
  if (event.privacy !== 'PRIVATE') return true;
  return isOrganizer(event, viewer) || relations.memberEventIds.has(event._id);
}

/**
 * Moderators of an event's discussion: the host and the co-hosts. Co-hosts are included
 * because they manage the event with the host (DESIGN §3), and removing abuse should not
 * wait for the one host to be online.
 */
export function canModerate(event: EventRecord, viewer: Viewer): boolean {
  return isOrganizer(event, viewer);
}

/** The author or a moderator. */
export function canDeletePost(post: PostRecord, event: EventRecord, viewer: Viewer): boolean {
  return (viewer.kind === 'user' && post.authorId === viewer.id) || canModerate(event, viewer);
}

/** The comment's author, the post's author (it is their thread) or a moderator. */
export function canDeleteComment(comment: CommentRecord, post: PostRecord, event: EventRecord, viewer: Viewer): boolean {
  if (viewer.kind === 'user' && (comment.authorId === viewer.id || post.authorId === viewer.id)) return true;
  return canModerate(event, viewer);
}
