/**
 * The fan-out benchmark's subscribers, as seen from the load generator: each one's
 * connection and what it received, and the arrival times of every mutation's counts
 * version at every subscriber.
 */
import { openLiveSubscriber, type LiveSubscriber } from '../lib/live-client.js';

export const LIVE = 'subscription BenchLive($id: ID!) { eventStatsChanged(eventId: $id) { eventId version counts { going interested maybe notGoing waitlisted } } }';

interface StatsChange {
  eventStatsChanged: { eventId: string; version: number; counts: { going: number } };
}

/** One subscriber: its connection and what it received. */
export interface Subscriber {
  connection: LiveSubscriber;
  connected: boolean;
  failed: string | null;
  /** Highest counts version received. */
  version: number;
  going: number;
}

/**
 * Arrival times of each round's version at each subscriber (NaN = not yet), filled by the
 * subscribers' message handlers.
 */
export class Arrivals {
  readonly times: Float64Array[] = [];
  readonly received: number[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    rounds: number,
    subscribers: number,
    /** Counts version each round produces (the event's version before round 1, plus the round). */
    private readonly baseVersion: number,
  ) {
    for (let r = 0; r < rounds; r++) {
      this.times.push(new Float64Array(subscribers).fill(Number.NaN));
      this.received.push(0);
    }
  }

  /** Subscriber `i` now holds `version` (a later version also delivers the earlier rounds: coalesced). */
  record(i: number, previous: number, version: number, at: number) {
    for (let round = Math.max(0, previous - this.baseVersion); round < Math.min(this.times.length, version - this.baseVersion); round++) {
      const times = this.times[round]!;
      if (!Number.isNaN(times[i]!)) continue;
      times[i] = at;
      this.received[round]! += 1;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once `round` reached `expected` subscribers, or at the deadline. */
  async waitFor(round: number, expected: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.received[round]! < expected) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}


export function openSubscriber(
  url: string,
  token: string,
  eventId: string,
  index: number,
  arrivals: () => Arrivals | null,
  state: { badMessages: number },
): Subscriber {
  const subscriber: Omit<Subscriber, 'connection'> = { connected: false, failed: null, version: 0, going: 0 };
  const connection = openLiveSubscriber({
    url,
    token,
    query: LIVE,
    variables: { id: eventId },
    onConnected: () => {
      subscriber.connected = true;
    },
    onFailure: (reason) => {
      subscriber.failed ??= reason;
    },
    onData: (data, errors) => {
      const at = performance.now();
      const change = (data as StatsChange | null | undefined)?.eventStatsChanged;
      if (errors?.length) {
        subscriber.failed ??= `subscription error: ${JSON.stringify(errors).slice(0, 300)}`;
        return;
      }
      if (!change || typeof change.version !== 'number') {
        state.badMessages += 1;
        return;
      }
      const previous = subscriber.version;
      if (change.version <= previous) return;
      subscriber.version = change.version;
      subscriber.going = change.counts.going;
      arrivals()?.record(index, previous, change.version, at);
    },
  });
  return Object.assign(subscriber, { connection });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencySummary(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    minMs: sorted.length ? sorted[0]! : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}
