/** The message-bus port: Kafka, or an in-process bus with the same group semantics. */
export interface OutgoingMessage {
  topic: string;
  /** Partitioning key: the aggregate id, so one aggregate's messages stay in order. */
  key: string;
  /** `null` is a tombstone (Kafka's null value), not an empty string. */
  value: string | null;
  headers?: Record<string, string>;
  /** The trace context (`traceparent`, `tracestate`) the message was created in; its publish span joins it. */
  trace?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** `null` for a tombstone. */
  value: string | null;
  headers: Record<string, string>;
  /** When the message was appended (Kafka's record timestamp), in ms since the epoch. */
  timestamp: number;
}

export interface SubscribeOptions {
  /** Consumers sharing a group id split the messages; each group sees every message. */
  groupId: string;
  topics: string[];
  /** Start from the earliest retained message when the group has no committed offset. */
  fromBeginning?: boolean;
  /**
   * Called once per message, in partition order. The offset is committed after it
   * resolves; a throw stops the batch so the message is delivered again.
   */
  handle: (message: IncomingMessage) => Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The offset the next appended message will get. */
  endOffset: number;
  /** The next offset the group will process; null when it has never committed one. */
  committedOffset: number | null;
  /** Messages appended but not processed by the group. */
  lag: number;
  /**
   * Append time of the oldest message the group has not processed, when the bus can
   * tell (Kafka: for partitions consumed by this process); null when caught up or unknown.
   */
  oldestUnprocessedAt: Date | null;
}

export interface LagQuery {
  groupId: string;
  topics: string[];
  /** Where the group starts without a committed offset: decides what counts as unprocessed then. */
  fromBeginning?: boolean;
}

/** A publish the broker refuses because a message is larger than the topic accepts. */
export class MessageTooLargeError extends Error {
  constructor(
    readonly topic: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`message too large for ${topic}: ${detail}`, options);
    this.name = 'MessageTooLargeError';
  }
}

export interface MessageBus {
  readonly kind: 'kafka' | 'embedded';
  /**
   * Resolves once every message is acknowledged by the broker; rejects otherwise.
   * @throws MessageTooLargeError when a message exceeds its topic's size limit
   */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates the topics if missing (idempotent). */
  ensureTopics(topics: string[]): Promise<void>;
  /**
   * The group's lag on every partition of `topics`, from the log's end offsets and the
   * group's committed offsets, whether or not the group is consuming right now.
   */
  lag(query: LagQuery): Promise<PartitionLag[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
