/** The message-bus port: Kafka, or an in-process bus with the same group semantics. */
export interface OutgoingMessage {
  topic: string;
  /** Partitioning key: the aggregate id, so one aggregate's messages stay in order. */
  key: string;
  value: string;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
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

export interface MessageBus {
  readonly kind: 'kafka' | 'embedded';
  /** Resolves once every message is acknowledged by the broker; rejects otherwise. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates the topics if missing (idempotent). */
  ensureTopics(topics: string[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
