import type { InvitationConnectionResolvers } from '../__generated__/resolvers-types.js';
import { connectionResolvers } from './connection.js';

export const InvitationConnection: InvitationConnectionResolvers = connectionResolvers();
