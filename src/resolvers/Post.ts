import type { PostResolvers } from '../__generated__/resolvers-types.js';
import { entity } from './entity.js';

export const Post: PostResolvers = {
  __resolveReference: (reference, ctx) => entity(ctx.posts.byId(reference.id)),
  id: (post) => post._id,
  event: (post, _, ctx) => ctx.posts.eventOf(post),
  author: (post) => (post.authorId ? { id: post.authorId } : null),
  viewerReaction: (post, _, ctx) => ctx.posts.viewerReaction(post),
  comments: (post, { first, after }, ctx) => ctx.posts.comments(post, first, after),
};
