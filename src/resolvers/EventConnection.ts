import type { EventConnectionResolvers } from '../__generated__/resolvers-types.js';
import { connectionResolvers } from './connection.js';

export const EventConnection: EventConnectionResolvers = connectionResolvers();
