import type { Consumer, ConsumerCrashEvent, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { IncomingMessage, SubscribeOptions, Subscription } from '../message-bus.js';
import { contextFrom, inSpan } from '../../observability/tracing.js';
import type { BusLogger } from './kafka-logging.js';
import { sleep } from './kafka-errors.js';

const CONSUMER_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 };
/**
 * After a broker restart the group still lists the member that died with the old
 * connection, and a rejoin waits until that member's session expires: 10 s rather than
 * kafkajs's 30 s bounds the pause. Heartbeats go out after every handled message, so only
 * a single handler call longer than this costs a rebalance.
 */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 3_000;
/** Longest a fetch waits for data; also bounds how long `subscribe` waits to be positioned. */
const FETCH_WAIT_MS = 1_000;
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** Where this member is on one of its partitions, ahead of what the broker has committed. */
export interface PartitionProgress {
  /** The next offset to process. */
  next: number;
  /** Append time of the message at `next` once fetched and not yet processed. */
  pendingSince: number | null;
}

/**
 * One consumer-group membership. kafkajs restarts a consumer itself after retriable
 * failures; after the others (`restart: false`, e.g. retries exhausted while a broker
 * restarts) this replaces the consumer with a new one, backing off up to 30 s.
 */
export class KafkaSubscription implements Subscription {
  private consumer: Consumer | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  /** `topic:partition` → progress, for the partitions assigned to this member. */
  private readonly progressByPartition = new Map<string, PartitionProgress>();

  constructor(
    private readonly kafka: Kafka,
    readonly options: SubscribeOptions,
    private readonly logger: BusLogger | undefined,
    private readonly onStopped: () => void,
    /** A consumer span per message, child of the producer span its `traceparent` header names. */
    private readonly tracer?: Tracer,
  ) {}

  get groupId(): string {
    return this.options.groupId;
  }

  /** This member's progress on a partition it holds; undefined when it does not hold it. */
  progress(topic: string, partition: number): PartitionProgress | undefined {
    return this.progressByPartition.get(partitionKey(topic, partition));
  }

  /**
   * Resolves once the group is joined and, when reading from the end, once the first fetch
   * has fixed the starting offsets, so a message published after this resolves is seen.
   */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: FETCH_WAIT_MS,
      // kafkajs decides on a restart after its own disconnect, so a stop landing meanwhile
      // would be undone by a restart timer it no longer clears: ask first.
      retry: { ...CONSUMER_RETRY, restartOnFailure: async () => !this.stopped },
    });
    this.consumer = consumer;
    let joined = false;
    let startupError: unknown;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      this.keepOnly(payload.memberAssignment);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (joined) this.onCrash(consumer, event);
      else startupError = event.payload.error;
    });
    const firstFetch = new Promise<void>((resolve) => {
      const remove = consumer.on(consumer.events.FETCH, () => {
        remove();
        resolve();
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
      // run() returns after the first join, or after a crash that kafkajs may retry on its own.
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommitInterval: 5_000,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      if (!joined) throw startupError ?? new Error('the consumer stopped before joining its group');
      if (this.stopped) throw new Error('the subscription was stopped while starting');
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined); // also cancels a pending kafkajs restart
      throw error;
    }
    if (!this.options.fromBeginning) await Promise.race([firstFetch, sleep(3 * FETCH_WAIT_MS)]);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown() {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    try {
      // Waits for the batch in progress, commits what was handled, and leaves the group.
      await consumer?.disconnect();
    } catch (error) {
      this.logger?.warn({ groupId: this.options.groupId, err: error }, 'kafka consumer did not disconnect cleanly');
    } finally {
      this.progressByPartition.clear();
      this.onStopped();
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    const key = partitionKey(batch.topic, batch.partition);
    for (const message of batch.messages) {
      // Stopping, or the partition moved to another member: leave the rest to its next owner.
      if (!isRunning() || isStale()) return;
      this.progressByPartition.set(key, { next: Number(message.offset), pendingSince: Number(message.timestamp) });
      // A throw escapes before resolveOffset, so kafkajs fetches this message again.
      await this.process(toIncoming(batch.topic, batch.partition, message));
      resolveOffset(message.offset);
      this.progressByPartition.set(key, { next: Number(message.offset) + 1, pendingSince: null });
      // A slow handler must not make this member look dead and trigger a rebalance.
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
  }

  private process(message: IncomingMessage): Promise<void> {
    if (!this.tracer) return this.options.handle(message);
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': message.topic,
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': Number(message.offset),
    };
    return inSpan(this.tracer, `${message.topic} process`, SpanKind.CONSUMER, contextFrom(message.headers), attributes, () => this.options.handle(message));
  }

  /** After a rebalance only the partitions assigned to this member keep their progress. */
  private keepOnly(assignment: Record<string, number[]>) {
    const assigned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => partitionKey(topic, p))));
    for (const key of this.progressByPartition.keys()) if (!assigned.has(key)) this.progressByPartition.delete(key);
  }

  private onCrash(consumer: Consumer, event: ConsumerCrashEvent) {
    if (this.stopped || consumer !== this.consumer) return;
    const { error, restart } = event.payload;
    const details = { groupId: this.options.groupId, err: error };
    if (restart) {
      this.logger?.warn(details, 'kafka consumer crashed; kafkajs restarts it');
      return;
    }
    // kafkajs has already disconnected this consumer and gives up on it.
    this.logger?.error({ ...details, retryInMs: this.restartDelayMs }, 'kafka consumer crashed; recreating it');
    this.consumer = undefined;
    this.scheduleRestart();
  }

  private scheduleRestart() {
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delayMs);
  }

  private async restart() {
    if (this.stopped) return;
    try {
      await this.start();
      this.restartDelayMs = FIRST_RESTART_DELAY_MS;
      this.logger?.info({ groupId: this.options.groupId }, 'kafka consumer recreated');
    } catch (error) {
      if (this.stopped) return;
      this.logger?.error({ groupId: this.options.groupId, err: error, retryInMs: this.restartDelayMs }, 'kafka consumer restart failed');
      this.scheduleRestart();
    }
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value === null ? null : message.value.toString('utf8'),
    headers: headersOf(message.headers),
    timestamp: Number(message.timestamp),
  };
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // Kafka allows a header name more than once; the last one wins, as in most clients.
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}
