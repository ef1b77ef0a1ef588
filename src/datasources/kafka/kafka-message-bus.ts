import { Kafka, Partitioners, logLevel as KafkaLogLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { contextFrom, currentTraceHeaders } from '../../observability/tracing.js';
import {
  MessageTooLargeError,
  type LagQuery,
  type MessageBus,
  type OutgoingMessage,
  type PartitionLag,
  type SubscribeOptions,
  type Subscription,
} from '../message-bus.js';
import { callDatastore, messageOf, type DatastoreInstruments } from '../driver-errors.js';
import { isMessageTooLarge, isRetriable, isTopicNotReady, sleep } from './kafka-errors.js';
import { routeTo, toKafkaLevel, type BusLogger, type BusLogLevel } from './kafka-logging.js';
import { KafkaSubscription } from './kafka-subscription.js';

export type { BusLogger } from './kafka-logging.js';

export interface KafkaMessageBusOptions {
  /** host:port of one or more brokers */
  brokers: string[];
  clientId: string;
  /** Receives kafkajs's own logs and the bus's recovery notes; without it kafkajs is silent. */
  logger?: BusLogger;
  /** The least severe kafkajs level passed to `logger`; default 'warn'. */
  logLevel?: BusLogLevel;
  /** Partitions of topics made by `ensureTopics`; several, so keys spread over consumers. */
  numPartitions?: number;
  instruments?: DatastoreInstruments;
  /** Producer and consumer spans, joined to the trace each message carries. */
  tracer?: Tracer;
}

// A stopped broker should make a publish fail in seconds (the outbox relay retries it
// later), not after kafkajs's default minutes of backoff.
const CLIENT_RETRY = { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 };
const REQUEST_TIMEOUT_MS = 5_000;
const TOPIC_READY_TIMEOUT_MS = 10_000;
const SUBSCRIBE_ATTEMPTS = 8;

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
    const spans: Span[] = [];
    for (const message of messages) {
      let batch = byTopic.get(message.topic);
      if (!batch) {
        batch = [];
        byTopic.set(message.topic, batch);
      }
      const headers = { ...message.headers, ...this.traceHeaders(message, spans) };
      batch.push({ key: message.key, value: message.value, ...(Object.keys(headers).length > 0 ? { headers } : {}) });
    }
    const topicMessages = [...byTopic].map(([topic, batch]) => ({ topic, messages: batch }));
    await this.timed('publish', async () => {
      try {
        // kafkajs can drop a restarted broker from its pool; connect() is a no-op when
        // the pool is healthy and rebuilds it from the seed brokers when it is not.
        if (this.producerSuspect) await this.producer.connect();
        await this.producer.sendBatch({ topicMessages, acks: -1, timeout: REQUEST_TIMEOUT_MS });
        this.producerSuspect = false;
        for (const span of spans.splice(0)) span.end();
      } catch (error) {
        for (const span of spans.splice(0)) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
          span.end();
        }
        // The broker refused the size, which says nothing about the connections.
        if (isMessageTooLarge(error)) throw new MessageTooLargeError([...byTopic.keys()].join(', '), `Kafka publish failed: ${messageOf(error)}`, { cause: error });
        this.producerSuspect = true;
        throw error;
      }
    });
  }

  /**
   * A producer span per message, child of the trace the message was created in (or of the
   * active one), whose context travels in the message's `traceparent` header. Without a
   * tracer the message's own trace context is passed on as is.
   */
  private traceHeaders(message: OutgoingMessage, spans: Span[]): Record<string, string> {
    const tracer = this.options.tracer;
    if (!tracer) return message.trace ?? {};
    const parent = message.trace ? contextFrom(message.trace) : context.active();
    const span = tracer.startSpan(
      `${message.topic} publish`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic, 'messaging.operation.type': 'send' } },
      parent,
    );
    spans.push(span);
    return currentTraceHeaders(trace.setSpan(parent, span));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (options.topics.length === 0) throw new Error('subscribe needs at least one topic');
    const subscription = new KafkaSubscription(this.kafka, options, this.options.logger, () =>
      this.subscriptions.delete(subscription),
      this.options.tracer,
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
    const wanted = [...new Set(topics)];
    if (wanted.length === 0) return;
    const numPartitions = this.options.numPartitions ?? 3;
    await this.timed('ensureTopics', async () => {
      // Asking first keeps the usual start-up (every topic there) free of refused creations.
      const existing = new Set(await this.admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      // Resolves false, rather than throwing, when another instance created them meanwhile.
      if (missing.length > 0) await this.admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })), waitForLeaders: false });
      await this.waitForLeaders(wanted);
    });
  }

  async lag({ groupId, topics, fromBeginning = false }: LagQuery): Promise<PartitionLag[]> {
    this.assertOpen();
    return this.timed('lag', async () => {
      const [committed, ...ends] = await Promise.all([
        this.admin.fetchOffsets({ groupId, topics }),
        ...topics.map((topic) => this.admin.fetchTopicOffsets(topic)),
      ]);
      const committedOf = new Map<string, number>();
      for (const { topic, partitions } of committed) {
        for (const { partition, offset } of partitions) committedOf.set(`${topic}:${partition}`, Number(offset));
      }
      const local = [...this.subscriptions].filter((subscription) => subscription.groupId === groupId);
      return topics.flatMap((topic, index) =>
        (ends[index] ?? [])
          .map(({ partition, high, low }) => {
            const brokerCommitted = committedOf.get(`${topic}:${partition}`) ?? -1;
            const progress = local.map((subscription) => subscription.progress(topic, partition)).find(Boolean);
            // Commits trail processing by up to the auto-commit interval: the member that
            // holds the partition knows better.
            const known = Math.max(brokerCommitted, progress?.next ?? -1);
            const committedOffset = known >= 0 ? known : null;
            const endOffset = Number(high);
            const start = committedOffset ?? (fromBeginning ? Number(low) : endOffset);
            const lag = Math.max(0, endOffset - Math.max(start, Number(low)));
            const pendingSince = lag > 0 ? (progress?.pendingSince ?? null) : null;
            return { topic, partition, endOffset, committedOffset, lag, oldestUnprocessedAt: pendingSince === null ? null : new Date(pendingSince) };
          })
          .sort((a, b) => a.partition - b.partition),
      );
    });
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.timed('ping', () => this.admin.describeCluster());
  }

  /** A cluster check past the breaker, for its background probe. */
  async probe(): Promise<void> {
    this.assertOpen();
    await this.admin.describeCluster();
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
    return callDatastore('kafka', operation, run, {
      instruments: this.options.instruments,
      slow: operation === 'ensureTopics',
      // The caller decides what to do with a message the broker will never take.
      translate: (error) => (error instanceof MessageTooLargeError ? error : null),
    });
  }

  private assertOpen() {
    if (this.closed) throw new Error('Kafka message bus is closed');
  }
}
