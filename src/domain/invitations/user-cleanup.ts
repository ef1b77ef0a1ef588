import type { InvitationRepository } from '../../datasources/invitation-repository.js';
import type { UserDataCleanup } from '../users/user-cleanup.js';

/** Pending invitations to or from a deleted user go; answered ones stay as the event's history. */
export function invitationsCleanup(invitations: InvitationRepository): UserDataCleanup {
  return {
    name: 'invitations',
    async removeUser(userId) {
      await invitations.deletePendingOf(userId);
    },
  };
}
