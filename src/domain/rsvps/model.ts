import type { Page } from '../../datasources/paging.js';

export type RsvpStatus = 'GOING' | 'INTERESTED' | 'MAYBE' | 'NOT_GOING';
export type CheckInState = 'ATTENDED' | 'NO_SHOW';

/** Where an answer is counted: GOING splits into seated and waitlisted. */
export type RsvpBucket = 'GOING' | 'WAITLISTED' | 'INTERESTED' | 'MAYBE' | 'NOT_GOING';

export const BUCKETS: readonly RsvpBucket[] = ['GOING', 'WAITLISTED', 'INTERESTED', 'MAYBE', 'NOT_GOING'];

/** The event's stats field that counts a bucket. */
export const STAT_OF: Record<RsvpBucket, 'going' | 'waitlisted' | 'interested' | 'maybe' | 'notGoing'> = {
  GOING: 'going',
  WAITLISTED: 'waitlisted',
  INTERESTED: 'interested',
  MAYBE: 'maybe',
  NOT_GOING: 'notGoing',
};

export interface RsvpRecord {
  _id: string;
  eventId: string;
  userId: string;
  status: RsvpStatus;
  bucket: RsvpBucket;
  /** Order in the waitlist (from the event's counter); null unless waitlisted. */
  waitlistSeq: number | null;
  respondedAt: Date;
  updatedAt: Date;
  checkIn: CheckInState | null;
  checkedInAt: Date | null;
  checkedInBy: string | null;
  /**
   * The id of the `event.rsvp` that announces the answer's latest change. The answer is
   * written before its message, so the reconciler can tell an answer whose message was
   * never written (the process died in between) and write it then.
   */
  messageId?: string | null;
}

export interface RsvpCounts {
  going: number;
  interested: number;
  maybe: number;
  notGoing: number;
  waitlisted: number;
}

export interface EventStatsChange {
  eventId: string;
  counts: RsvpCounts;
  /** Grows with every change of the counts; the highest version is the current reading. */
  version: number;
  at: Date;
}

export function rsvpId(eventId: string, userId: string): string {
  return `${eventId}:${userId}`;
}

export type RsvpPage = Page<RsvpRecord>;

/** A page of an event's answers, and whether the viewer may see check-in states. */
export interface AttendeePage extends Page<RsvpRecord> {
  showCheckIn: boolean;
}

export interface AttendeeEdgeModel {
  cursor: string;
  rsvp: RsvpRecord;
  showCheckIn: boolean;
}
