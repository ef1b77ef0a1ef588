import type { Page } from '../../datasources/paging.js';

export type EventPrivacy = 'PUBLIC' | 'FRIENDS' | 'PRIVATE';
export type EventStatus = 'ACTIVE' | 'CANCELLED' | 'COMPLETED';

export interface EventLocation {
  name: string;
  address: string | null;
  latitude: number;
  longitude: number;
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface EventStats {
  going: number;
  interested: number;
  maybe: number;
  notGoing: number;
  waitlisted: number;
  views: number;
  shares: number;
  posts: number;
}

export const emptyStats = (): EventStats => ({
  going: 0,
  interested: 0,
  maybe: 0,
  notGoing: 0,
  waitlisted: 0,
  views: 0,
  shares: 0,
  posts: 0,
});

export interface EventRecord {
  _id: string;
  title: string;
  description: string | null;
  hostId: string;
  coHostIds: string[];
  privacy: EventPrivacy;
  status: EventStatus;
  categoryId: string | null;
  tags: string[];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: EventLocation | null;
  virtualLink: string | null;
  capacity: number | null;
  /** Free GOING seats; null when capacity is unlimited. Claimed by conditional `$inc`. */
  seatsLeft: number | null;
  /** Last waitlist number handed out; `$inc` hands out the next. */
  waitlistSeq: number;
  /** Grows with every change of the answer counts; published with them so the newest reading wins. */
  countsVersion: number;
  /** Last time an answer moved the counts; the periodic reconciliation looks at recent ones. */
  rsvpChangedAt: Date | null;
  price: Money | null;
  mediaUrls: string[];
  stats: EventStats;
  cancellationReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Set by deleteEvent; the relay removes the document once its outbox is flushed. */
  deleted: boolean;
}


export type EventPage = Page<EventRecord>;
