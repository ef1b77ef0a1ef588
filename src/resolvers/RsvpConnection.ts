import type { RsvpConnectionResolvers } from '../__generated__/resolvers-types.js';
import { connectionResolvers } from './connection.js';

export const RsvpConnection: RsvpConnectionResolvers = connectionResolvers();
