import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type ConsumerCrashEvent,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type Message,
  type Producer,
  type logCreator,
} from 'kafkajs';
import type { IncomingMessage, MessageBus, OutgoingMessage, SubscribeOptions, Subscription } from '../message-bus.js';
import type { DatastoreLatency, Metrics } from '../../observability/metrics.js';
import { callDatastore, messageOf } from '../driver-errors.js';

/** The pino methods the bus uses (a pino logger fits). */
export interface BusLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface KafkaMessageBusOptions {
  /** host:port of one or more brokers */
  brokers: string[];
  clientId: string;
  /** Receives kafkajs's own logs and the bus's recovery notes; without it kafkajs is silent. */
  logger?: BusLogger;
  /** The least severe kafkajs level passed to `logger`; default 'warn'. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Partitions of topics made by `ensureTopics`; several, so keys spread over consumers. */
  numPartitions?: number;
  latency?: DatastoreLatency;
  consumerLag?: Metrics['consumerLag'];
}

// A stopped broker should make a publish fail in seconds (the outbox relay retries it
// later), not after kafkajs's default minutes of backoff.
const CLIENT_RETRY = { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 };
const REQUEST_TIMEOUT_MS = 5_000;
const TOPIC_READY_TIMEOUT_MS = 10_000;

/**
 * Domain events to and from Kafka (kafkajs). `publish` sends one batch per call, waits
 * for every in-sync replica (acks = all) and rejects on any failure; the caller retries.
 * Subscriptions are consumer groups processing batches in partition order, committing
 * after each handled message, and recreated after crashes kafkajs does not recover from.
 */
export class KafkaMessageBus implements MessageBus {
  readonly kind = 'kafka' as const;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;
  /** Set by a failed send: the next publish first re-establishes the broker connections. */
  private producerSuspect = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly admin: Admin,
    private readonly options: KafkaMessageBusOptions,
  ) {}

  static async connect(options: KafkaMessageBusOptions): Promise<KafkaMessageBus> {
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: REQUEST_TIMEOUT_MS,
      retry: CLIENT_RETRY,
      ...(options.logger
        ? { logLevel: toKafkaLevel(options.logLevel ?? 'warn'), logCreator: routeTo(options.logger) }
        : { logLevel: KafkaLogLevel.NOTHING }),
    });
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      // Java's murmur2 partitioner: a key lands on the same partition as from JVM producers.
      createPartitioner: Partitioners.DefaultPartitioner,
      // One request in flight keeps a key's messages in order when a send is retried.
      maxInFlightRequests: 1,
      retry: CLIENT_RETRY,
    });
    const admin = kafka.admin({ retry: CLIENT_RETRY });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw new Error(`cannot connect to Kafka at ${options.brokers.join(',')}: ${messageOf(error)}`, { cause: error });
    }
    return new KafkaMessageBus(kafka, producer, admin, options);
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    if (messages.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const message of messages) {
      let batch = byTopic.get(message.topic);
      if (!batch) {
        batch = [];
        byTopic.set(message.topic, batch);
      }
      batch.push({ key: message.key, value: message.value, ...(message.headers ? { headers: { ...message.headers } } : {}) });
    }
    const topicMessages = [...byTopic].map(([topic, batch]) => ({ topic, messages: batch }));
    await this.timed('publish', async () => {
      try {
        // kafkajs can drop a restarted broker from its pool; connect() is a no-op when
        // the pool is healthy and rebuilds it from the seed brokers when it is not.
        if (this.producerSuspect) await this.producer.connect();
        await this.producer.sendBatch({ topicMessages, acks: -1, timeout: REQUEST_TIMEOUT_MS });
        this.producerSuspect = false;
      } catch (error) {
        this.producerSuspect = true;
        throw error;
      }
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const subscription = new KafkaSubscription(this.kafka, options, this.options.logger, this.options.consumerLag, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    // Right after a broker (re)start the group coordinator answers "loading" for a while.
    for (let attempt = 1; ; attempt++) {
      try {
        await subscription.start();
        return subscription;
      } catch (error) {
        if (!isRetriable(error) || attempt >= SUBSCRIBE_ATTEMPTS) {
          await subscription.stop();
          throw new Error(`Kafka subscribe (group ${options.groupId}) failed: ${messageOf(error)}`, { cause: error });
        }
        await sleep(Math.min(5_000, 200 * 2 ** attempt));
      }
    }
  }

  async ensureTopics(topics: string[]): Promise<void> {
    this.assertOpen();
    const unique = [...new Set(topics)];
    if (unique.length === 0) return;
    const numPartitions = this.options.numPartitions ?? 3;
    await this.timed('ensureTopics', async () => {
      // Resolves false, rather than throwing, when every topic already exists.
      await this.admin.createTopics({ topics: unique.map((topic) => ({ topic, numPartitions })), waitForLeaders: false });
      await this.waitForLeaders(unique);
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.timed('ping', () => this.admin.describeCluster());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /**
   * kafkajs's own `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
   * broker answers until the controller's new topic reaches its metadata cache.
   */
  private async waitForLeaders(topics: string[]) {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (;;) {
      try {
        const { topics: metadata } = await this.admin.fetchTopicMetadata({ topics });
        if (metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (!isTopicNotReady(error) || Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics have no leader after ${TOPIC_READY_TIMEOUT_MS} ms: ${topics.join(', ')}`);
      await sleep(100);
    }
  }

  private timed<R>(operation: string, run: () => Promise<R>): Promise<R> {
    return callDatastore('kafka', operation, run, { latency: this.options.latency });
  }

  private assertOpen() {
    if (this.closed) throw new Error('Kafka message bus is closed');
  }
}

const SUBSCRIBE_ATTEMPTS = 8;

/** kafkajs marks errors worth retrying; a wrapped one carries the original as `cause`. */
function isRetriable(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { retriable?: boolean }).retriable === true) return true;
  }
  return false;
}

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

/**
 * One consumer-group membership. kafkajs restarts a consumer itself after retriable
 * failures; after the others (`restart: false`, e.g. retries exhausted while a broker
 * restarts) this replaces the consumer with a new one, backing off up to 30 s.
 */
class KafkaSubscription implements Subscription {
  private consumer: Consumer | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  /** topic → partition → messages behind the high watermark, summed into the lag gauge. */
  private readonly lag = new Map<string, Map<number, number>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SubscribeOptions,
    private readonly logger: BusLogger | undefined,
    private readonly lagGauge: Metrics['consumerLag'] | undefined,
    private readonly onStopped: () => void,
  ) {}

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
      retry: CONSUMER_RETRY,
    });
    this.consumer = consumer;
    let joined = false;
    let startupError: unknown;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
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
      for (const topic of this.lag.keys()) this.lagGauge?.remove({ group: this.options.groupId, topic });
      this.onStopped();
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      // Stopping, or the partition moved to another member: leave the rest to its next owner.
      if (!isRunning() || isStale()) return;
      // A throw escapes before resolveOffset, so kafkajs fetches this message again.
      await this.options.handle(toIncoming(batch.topic, batch.partition, message));
      resolveOffset(message.offset);
      this.recordLag(batch.topic, batch.partition, batch.highWatermark, message.offset);
      // A slow handler must not make this member look dead and trigger a rebalance.
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
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

  private recordLag(topic: string, partition: number, highWatermark: string, offset: string) {
    let partitions = this.lag.get(topic);
    if (!partitions) {
      partitions = new Map<number, number>();
      this.lag.set(topic, partitions);
    }
    // The high watermark is the offset the next produced message will get.
    partitions.set(partition, Math.max(0, Number(highWatermark) - Number(offset) - 1));
    let total = 0;
    for (const behind of partitions.values()) total += behind;
    this.lagGauge?.set({ group: this.options.groupId, topic }, total);
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    // A tombstone (null value) arrives as '' since the port's value is a string.
    value: message.value?.toString('utf8') ?? '',
    headers: headersOf(message.headers),
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

function isTopicNotReady(error: unknown): boolean {
  if (!(error instanceof Error) || !('type' in error)) return false;
  return error.type === 'UNKNOWN_TOPIC_OR_PARTITION' || error.type === 'LEADER_NOT_AVAILABLE';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function toKafkaLevel(level: NonNullable<KafkaMessageBusOptions['logLevel']>): KafkaLogLevel {
  const levels = { error: KafkaLogLevel.ERROR, warn: KafkaLogLevel.WARN, info: KafkaLogLevel.INFO, debug: KafkaLogLevel.DEBUG };
  return levels[level];
}

/** kafkajs `logCreator` writing through a pino-style logger, one structured line per entry. */
function routeTo(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra }: Record<string, unknown> = log;
      const details = { component: 'kafkajs', namespace, ...extra };
      const text = typeof message === 'string' ? message : 'kafkajs';
      if (level === KafkaLogLevel.ERROR) logger.error(details, text);
      else if (level === KafkaLogLevel.WARN) logger.warn(details, text);
      else if (level === KafkaLogLevel.INFO) logger.info(details, text);
      else logger.debug(details, text);
    };
}

