import type { CommentResolvers } from '../__generated__/resolvers-types.js';

export const Comment: CommentResolvers = {
  id: (comment) => comment._id,
  post: (comment, _, ctx) => ctx.posts.postOf(comment),
  author: (comment) => (comment.authorId ? { id: comment.authorId } : null),
};
