import type { CommentConnectionResolvers } from '../__generated__/resolvers-types.js';
import { connectionResolvers } from './connection.js';

export const CommentConnection: CommentConnectionResolvers = connectionResolvers();
