import {
  MessageTooLargeError,
  type IncomingMessage,
  type LagQuery,
  type MessageBus,
  type OutgoingMessage,
  type PartitionLag,
  type SubscribeOptions,
  type Subscription,
} from '../message-bus.js';

/** Kafka's default `max.message.bytes` (1 MiB plus the 12-byte log overhead). */
export const EMBEDDED_MAX_MESSAGE_BYTES = 1_048_588;
/** Bytes Kafka adds around one record in a batch of one (batch header and record framing). */
const RECORD_OVERHEAD_BYTES = 80;

export interface EmbeddedMessageBusOptions {
  /** Oldest messages beyond this many per topic are dropped, like Kafka retention. */
  maxMessagesPerTopic?: number;
  /** First redelivery delay after a handler throws; doubles per failure up to 5 s. */
  retryDelayMs?: number;
  /** A message (key, value, headers and framing) above this is refused, as Kafka does. */
  maxMessageBytes?: number;
}

interface StoredMessage {
  key: string;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

/** One topic is one partition: a log whose offsets start at `base` once old entries are trimmed. */
class TopicLog {
  base = 0;
  readonly messages: StoredMessage[] = [];

  get end(): number {
    return this.base + this.messages.length;
  }

  at(offset: number): StoredMessage | undefined {
    return this.messages[offset - this.base];
  }

  trim(max: number) {
    // Trim in slices of 10 % so appends stay amortised O(1).
    if (this.messages.length <= max + Math.ceil(max / 10)) return;
    const drop = this.messages.length - max;
    this.messages.splice(0, drop);
    this.base += drop;
  }
}

interface Member {
  readonly topics: ReadonlySet<string>;
  readonly handle: SubscribeOptions['handle'];
  inFlight: Promise<void> | undefined;
}

/** Delivery state of one (group, topic): at most one message is in a handler at a time. */
interface Pump {
  draining: boolean;
  failures: number;
  retry: NodeJS.Timeout | undefined;
}

class Group {
  /** Next offset to deliver per topic: the group's committed position. */
  readonly cursors = new Map<string, number>();
  readonly members: Member[] = [];
  readonly pumps = new Map<string, Pump>();

  /** Like a one-partition Kafka topic: the longest-standing member gets all of it. */
  owner(topic: string): Member | undefined {
    return this.members.find((member) => member.topics.has(topic));
  }

  pump(topic: string): Pump {
    let pump = this.pumps.get(topic);
    if (!pump) {
      pump = { draining: false, failures: 0, retry: undefined };
      this.pumps.set(topic, pump);
    }
    return pump;
  }
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * An in-process bus with Kafka's consumer-group semantics, for zero-setup runs and tests:
 * - each topic is a single ordered partition (offsets 0, 1, …; partition 0);
 * - every group sees every message, from its own cursor per topic; a group new to a topic
 *   starts at offset 0 with `fromBeginning`, else at the end of the log;
 * - within a group, the earliest subscribed member gets all of a topic's messages and the
 *   next one takes over from the group's cursor when it stops (a rebalance, in Kafka
 *   terms, with no duplicates since the cursor advances only after a handler succeeds);
 * - delivery is always asynchronous; a handler throw redelivers the same message after a
 *   backoff, holding back the rest of that topic for that group.
 * It owns no ref'd timers, so it never keeps the process alive by itself.
 */
export class EmbeddedMessageBus implements MessageBus {
  readonly kind = 'embedded' as const;
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, Group>();
  private readonly maxMessagesPerTopic: number;
  private readonly retryDelayMs: number;
  private readonly maxMessageBytes: number;
  private closed = false;

  constructor(options: EmbeddedMessageBusOptions = {}) {
    this.maxMessagesPerTopic = options.maxMessagesPerTopic ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxMessageBytes = options.maxMessageBytes ?? EMBEDDED_MAX_MESSAGE_BYTES;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    // All or nothing, checked before anything is appended.
    for (const message of messages) {
      const size = sizeOf(message);
      if (size > this.maxMessageBytes) {
        throw new MessageTooLargeError(message.topic, `${size} bytes, the limit is ${this.maxMessageBytes}`);
      }
    }
    const touched = new Set<string>();
    const timestamp = Date.now();
    for (const message of messages) {
      const log = this.log(message.topic);
      log.messages.push({ key: message.key, value: message.value, headers: { ...message.headers }, timestamp });
      log.trim(this.maxMessagesPerTopic);
      touched.add(message.topic);
    }
    for (const group of this.groups.values()) {
      for (const topic of touched) this.kick(group, topic);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const group = this.group(options.groupId);
    for (const topic of options.topics) {
      const log = this.log(topic);
      if (!group.cursors.has(topic)) group.cursors.set(topic, options.fromBeginning ? log.base : log.end);
    }
    const member: Member = { topics: new Set(options.topics), handle: options.handle, inFlight: undefined };
    group.members.push(member);
    for (const topic of member.topics) this.kick(group, topic);

    let stopped: Promise<void> | undefined;
    return {
      stop: () => {
        stopped ??= this.leave(group, member);
        return stopped;
      },
    };
  }

  async ensureTopics(topics: string[]): Promise<void> {
    this.assertOpen();
    for (const topic of topics) this.log(topic);
  }

  async lag({ groupId, topics, fromBeginning = false }: LagQuery): Promise<PartitionLag[]> {
    this.assertOpen();
    const cursors = this.groups.get(groupId)?.cursors;
    return topics.map((topic) => {
      const log = this.log(topic);
      const committed = cursors?.get(topic);
      const start = Math.max(committed ?? (fromBeginning ? log.base : log.end), log.base);
      const lag = Math.max(0, log.end - start);
      const oldest = lag > 0 ? log.at(start) : undefined;
      return {
        topic,
        partition: 0,
        endOffset: log.end,
        committedOffset: committed ?? null,
        lag,
        oldestUnprocessedAt: oldest ? new Date(oldest.timestamp) : null,
      };
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const inFlight: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      for (const pump of group.pumps.values()) clearTimeout(pump.retry);
      for (const member of group.members) if (member.inFlight) inFlight.push(member.inFlight);
      group.members.length = 0;
    }
    // Let handlers that are running finish, as a Kafka consumer does on disconnect.
    await Promise.allSettled(inFlight);
  }

  private async leave(group: Group, member: Member) {
    const index = group.members.indexOf(member);
    if (index >= 0) group.members.splice(index, 1);
    await member.inFlight;
    // Hand the member's topics to whoever is next in the group.
    for (const topic of member.topics) this.kick(group, topic);
  }

  /** Starts draining (group, topic) on a later tick unless it is already draining or backing off. */
  private kick(group: Group, topic: string) {
    const pump = group.pump(topic);
    if (this.closed || pump.draining || pump.retry || !group.owner(topic)) return;
    pump.draining = true;
    setImmediate(() => void this.drain(group, topic, pump));
  }

  private async drain(group: Group, topic: string, pump: Pump) {
    try {
      const log = this.log(topic);
      for (;;) {
        const owner = group.owner(topic);
        // Offsets below `base` were trimmed away: resume at the oldest retained one.
        const offset = Math.max(group.cursors.get(topic) ?? log.end, log.base);
        const stored = log.at(offset);
        if (this.closed || !owner || !stored) return;
        const attempt = this.deliver(group, topic, pump, owner, toIncoming(topic, offset, stored));
        // `stop()` waits on this, so a stopped member's last message is committed first.
        owner.inFlight = attempt.then(() => undefined);
        const delivered = await attempt;
        owner.inFlight = undefined;
        if (!delivered) return;
      }
    } finally {
      pump.draining = false;
    }
  }

  /** Runs the handler; on success commits the group's cursor, on a throw schedules a retry. */
  private async deliver(group: Group, topic: string, pump: Pump, owner: Member, message: IncomingMessage): Promise<boolean> {
    try {
      await owner.handle(message);
    } catch {
      pump.failures += 1;
      const delay = Math.min(this.retryDelayMs * 2 ** (pump.failures - 1), MAX_RETRY_DELAY_MS);
      pump.retry = setTimeout(() => {
        pump.retry = undefined;
        this.kick(group, topic);
      }, delay);
      pump.retry.unref();
      return false;
    }
    pump.failures = 0;
    group.cursors.set(topic, Number(message.offset) + 1);
    return true;
  }

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = new TopicLog();
      this.topics.set(topic, log);
    }
    return log;
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group();
      this.groups.set(groupId, group);
    }
    return group;
  }

  private assertOpen() {
    if (this.closed) throw new Error('embedded message bus is closed');
  }
}

function toIncoming(topic: string, offset: number, stored: StoredMessage): IncomingMessage {
  // Fresh objects per delivery, so one handler cannot change what another sees.
  return {
    topic,
    partition: 0,
    offset: String(offset),
    key: stored.key,
    value: stored.value,
    headers: { ...stored.headers },
    timestamp: stored.timestamp,
  };
}

function sizeOf(message: OutgoingMessage): number {
  let size = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key) + (message.value === null ? 0 : Buffer.byteLength(message.value));
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
  return size;
}
