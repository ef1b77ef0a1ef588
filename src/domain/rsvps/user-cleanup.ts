import type { RsvpRepository } from '../../datasources/rsvp-repository.js';
import type { UserDataCleanup } from '../users/user-cleanup.js';
import type { RsvpLedger } from './rsvp-ledger.js';

/** A deleted user's answers are withdrawn like any other: counts move, freed seats go to the waitlist. */
export function rsvpsCleanup(rsvps: RsvpRepository, ledger: RsvpLedger): UserDataCleanup {
  return {
    name: 'rsvps',
    async removeUser(userId) {
      for (const eventId of await rsvps.eventIdsOf(userId)) await ledger.withdraw(eventId, userId);
    },
  };
}
