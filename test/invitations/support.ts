import type { TestApp } from '../support/app.js';

export interface InvitationView {
  id: string;
  status: string;
  message: string | null;
  respondedAt: string | null;
  invitee: { id: string };
  inviter: { id: string };
}

export interface InviteResult {
  inviteFriends: {
    invited: InvitationView[];
    skipped: { userId: string; reason: string }[];
  };
}

const INVITATION_FIELDS = 'id status message respondedAt invitee { id } inviter { id }';

export function invite(app: TestApp, eventId: string, inviter: string, userIds: string[], message?: string | null) {
  return app.gql<InviteResult>(
    `mutation($e: ID!, $u: [ID!]!, $m: String) {
      inviteFriends(eventId: $e, userIds: $u, message: $m) { invited { ${INVITATION_FIELDS} } skipped { userId reason } }
    }`,
    { e: eventId, u: userIds, m: message ?? null },
    inviter,
  );
}

export function respond(app: TestApp, id: string, userId: string, accept: boolean) {
  return app.gql<{ respondToInvitation: InvitationView }>(
    `mutation($id: ID!, $a: Boolean!) { respondToInvitation(id: $id, accept: $a) { ${INVITATION_FIELDS} } }`,
    { id, a: accept },
    userId,
  );
}
