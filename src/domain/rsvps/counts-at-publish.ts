import type { OutboxMessage } from '../../datasources/outbox.js';
import type { CloudEvent } from '../messaging/cloud-event.js';
import type { OutboxEnrichment } from '../messaging/outbox-relay.js';

/** The outbox enrichment that gives `event.rsvp` the event's counts as they are at publish time. */
export const RSVP_COUNTS = 'rsvp-counts';

/** `event` to be published with the counts its event has when it leaves. */
export function withCountsAtPublish(event: CloudEvent): OutboxMessage {
  return { event, enrich: RSVP_COUNTS };
}

/**
 * Reads the answer counts and their version from the event document. Absolute counts
 * read at publish time (not the deltas of one change) let consumers converge whatever
 * the order or duplication of messages.
 */
export const rsvpCountsAtPublish: OutboxEnrichment = (event, document) => {
  const stats = (document.stats ?? {}) as Record<string, number | undefined>;
  const counts = {
    going: stats.going ?? 0,
    interested: stats.interested ?? 0,
    maybe: stats.maybe ?? 0,
    notGoing: stats.notGoing ?? 0,
    waitlisted: stats.waitlisted ?? 0,
  };
  const countsVersion = typeof document.countsVersion === 'number' ? document.countsVersion : 0;
  return { ...event, data: { ...(event.data as Record<string, unknown>), counts, countsVersion } };
};
