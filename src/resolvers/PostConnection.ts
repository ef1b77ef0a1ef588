import type { PostConnectionResolvers } from '../__generated__/resolvers-types.js';
import { connectionResolvers } from './connection.js';

export const PostConnection: PostConnectionResolvers = connectionResolvers();
