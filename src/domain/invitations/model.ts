import type { Page } from '../../datasources/paging.js';

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED';

export type InvitationSkipReason = 'NOT_A_FRIEND' | 'ALREADY_INVITED' | 'ALREADY_ANSWERED' | 'IS_HOST_OR_COHOST' | 'IS_SELF';

/**
 * One person invited to one event. `_id` is `invitationId(eventId, inviteeId)`, so the
 * store's unique `_id` allows one invitation per (event, invitee), however many
 * requests race to create it. The slot is kept after an answer: a person who declined
 * is not invited to the same event again.
 */
export interface InvitationRecord {
  _id: string;
  eventId: string;
  inviterId: string;
  inviteeId: string;
  status: InvitationStatus;
  message: string | null;
  createdAt: Date;
  respondedAt: Date | null;
  updatedAt: Date;
  /** Set while an acceptance is answering GOING; a decline waits until it is over or expired. */
  acceptingUntil: Date | null;
}

export function invitationId(eventId: string, inviteeId: string): string {
  return `${eventId}:${inviteeId}`;
}

export interface InvitationSkip {
  userId: string;
  reason: InvitationSkipReason;
}

export interface InviteFriendsResult {
  invited: InvitationRecord[];
  skipped: InvitationSkip[];
}

export type InvitationPage = Page<InvitationRecord>;
