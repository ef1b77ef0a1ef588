import type { Authority } from '../authority.js';
import type { EventRecord } from '../events/model.js';

/** Who a live stream of an event's counts is for, so that it ends when they may no longer see the event. */
export interface LiveAccess {
  viewerId: string | null;
  /** A decision made now, from `event` as just read (null: gone), never a remembered one. */
  mayView(event: EventRecord | null): Promise<boolean>;
  /** When it ends (the token expired), the stream fails with its reason. */
  authority?: Authority | undefined;
}
