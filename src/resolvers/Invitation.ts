import type { InvitationResolvers } from '../__generated__/resolvers-types.js';

export const Invitation: InvitationResolvers = {
  id: (invitation) => invitation._id,
  event: (invitation, _, ctx) => ctx.invitations.eventOf(invitation),
  inviter: (invitation) => ({ id: invitation.inviterId }),
  invitee: (invitation) => ({ id: invitation.inviteeId }),
};
