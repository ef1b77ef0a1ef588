import type { PostRepository } from '../../datasources/post-repository.js';
import type { UserDataCleanup } from '../users/user-cleanup.js';

const BATCH = 100;

/**
 * Forgets a deleted user in discussions: their reactions and comments go (each
 * uncounted on its post only by the call that removed it), and their posts stay with
 * no author (`author: null`). Every write is conditional on what it changes, so a re-run after a
 * crash or a partial failure finishes the job without counting anything twice.
 */
export function postsCleanup(posts: PostRepository): UserDataCleanup {
  return {
    name: 'posts',
    async removeUser(userId) {
      for (;;) {
        const reactions = await posts.reactionsOfUser(userId, BATCH);
        let removed = 0;
        for (const reaction of reactions) {
          if (!(await posts.removeReaction(reaction._id, reaction.reaction))) continue;
          await posts.uncountReaction(reaction.postId, reaction.reaction);
          removed += 1;
        }
        // A batch where nothing could be removed would only repeat itself.
        if (reactions.length < BATCH || removed === 0) break;
      }
      for (;;) {
        const authored = await posts.postsByAuthor(userId, BATCH);
        let cleared = 0;
        for (const post of authored) if (await posts.anonymisePost(post._id, userId)) cleared += 1;
        if (authored.length < BATCH || cleared === 0) break;
      }
      for (;;) {
        const comments = await posts.commentsByAuthor(userId, BATCH);
        let removed = 0;
        for (const comment of comments) {
          // Only the call that removed the comment uncounts it, so a re-run counts nothing twice.
          if ((await posts.deleteComment(comment._id)) === 0) continue;
          await posts.uncountComment(comment.postId);
          removed += 1;
        }
        if (comments.length < BATCH || removed === 0) break;
      }
    },
  };
}
