import { z } from 'zod';
import { DuplicateKeyError, type DocumentCollection, type DocumentStore, type StoredDocument } from '../datasources/documents.js';
import type { IncomingMessage, MessageBus, Subscription } from '../datasources/message-bus.js';
import type { CloudEvent } from '../domain/messaging/cloud-event.js';
import type { Logger } from '../logger.js';

/** One record per handled event and consumer: `_id` is `<consumer>:<event id>`. */
export const PROCESSED_MESSAGES = 'processed_messages';

export interface ProcessedMessage extends StoredDocument {
  consumer: string;
  eventId: string;
  type: string;
  topic: string;
  partition: number;
  offset: string;
  processedAt: Date;
}

/**
 * Thrown for a message that can never succeed (bad shape or data): it goes to the
 * dead-letter topic at once, without further attempts.
 */
export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

/** A handler for one CloudEvent type, made with `on()`. */
export interface EventHandler {
  /** Validates the event's data and returns the work to run for it. @throws InvalidMessageError */
  prepare(event: CloudEvent): (message: IncomingMessage) => Promise<void>;
}

/**
 * A handler whose `data` is checked by `schema` first. Handlers must be idempotent:
 * an event is marked processed only after its handler resolved (see ConsumerRunner).
 */
export function on<S extends z.ZodType>(
  schema: S,
  handle: (event: CloudEvent<z.output<S>>, message: IncomingMessage) => Promise<void>,
): EventHandler {
  return {
    prepare(event) {
      const parsed = schema.safeParse(event.data);
      if (!parsed.success) throw new InvalidMessageError(`invalid data for ${event.type}: ${describeIssues(parsed.error)}`);
      const typed: CloudEvent<z.output<S>> = { ...event, data: parsed.data };
      return (message) => handle(typed, message);
    },
  };
}

export interface ConsumerDefinition {
  /** Names the consumer in logs, metrics, processed-message ids and dead letters. */
  name: string;
  topic: string;
  /** Shared by every instance, so each message is handled by one of them. */
  groupId: string;
  /** By CloudEvent `type`; other types are skipped. */
  handlers: Record<string, EventHandler>;
}

export interface ConsumerRunnerOptions {
  /** Handler attempts per message before it is dead-lettered. */
  maxAttempts: number;
  /** Pause before the second attempt; doubles per further attempt. */
  retryDelayMs: number;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /**
   * Rejects while a store the handlers need is unreachable: a message that failed every
   * attempt is then redelivered later instead of being dead-lettered for an outage.
   */
  checkDependencies?: () => Promise<unknown>;
}

export interface ConsumerRunnerDeps {
  bus: MessageBus;
  store: DocumentStore;
  logger: Logger;
  /** Told how each delivery (and each failed attempt) ended, e.g. for metrics. */
  onOutcome?: (consumer: string, topic: string, outcome: Outcome | 'failed') => void;
}

export type Outcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered';

/** How one delivered message ended. */
export interface Settlement {
  outcome: Outcome;
  eventId: string | null;
  type: string | null;
  topic: string;
  partition: number;
  offset: string;
  error?: string;
}

export type DeadLetterReason = 'malformed' | 'invalid' | 'failed';

/** Headers added to a dead letter, next to the original message's own headers. */
export const DLQ_HEADERS = {
  consumer: 'dlq-consumer',
  group: 'dlq-group',
  reason: 'dlq-reason',
  error: 'dlq-error',
  attempts: 'dlq-attempts',
  topic: 'dlq-original-topic',
  partition: 'dlq-original-partition',
  offset: 'dlq-original-offset',
  key: 'dlq-original-key',
  eventId: 'dlq-event-id',
  eventType: 'dlq-event-type',
  failedAt: 'dlq-failed-at',
} as const;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

const Envelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date-time'),
  subject: z.string().optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown(),
});

const MAX_ERROR_LENGTH = 2_000;
const RECENT_SETTLEMENTS = 1_000;

/**
 * Consumes one topic in one consumer group, dispatching each CloudEvent to the handler
 * for its `type`.
 *
 * Idempotency: before handling, an event whose `<consumer>:<id>` record exists in
 * `processed_messages` is skipped; the record is written after the handler resolved.
 * The store has no multi-document transactions, so the effect and the record cannot
 * commit together: a crash between them re-runs the handler on redelivery, and handlers
 * are written to converge (upserts guarded by event time, conditional updates by `_id`,
 * MERGE/DELETE in the graph). The record turns a redelivery into a no-op and keeps
 * a replayed old event from undoing newer state.
 *
 * Failures: a message that is not JSON or not a CloudEvent, or whose data its handler
 * rejects, is dead-lettered at once; a handler that throws is retried with a short
 * backoff and dead-lettered after `maxAttempts` (unless `checkDependencies` says a store
 * is down: then it throws, and the bus redelivers the message later). A dead letter goes
 * to `<topic>.dlq` with the original key, value and headers plus `dlq-*` headers naming
 * the consumer, reason, error, attempts and original position; the offset then moves on.
 * Only a failed dead-letter publish throws, so the bus redelivers the message.
 */
export class ConsumerRunner {
  private readonly processed: DocumentCollection<ProcessedMessage>;
  private readonly log: Logger;
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private readonly recent = new Map<string, Settlement>();
  private readonly waiters = new Map<string, Set<(settlement: Settlement) => void>>();

  constructor(
    private readonly deps: ConsumerRunnerDeps,
    readonly definition: ConsumerDefinition,
    private readonly options: ConsumerRunnerOptions,
  ) {
    this.processed = deps.store.collection<ProcessedMessage>(PROCESSED_MESSAGES);
    this.log = deps.logger.child({ component: 'consumer', consumer: definition.name, groupId: definition.groupId });
  }

  get name(): string {
    return this.definition.name;
  }

  get deadLetterTopic(): string {
    return deadLetterTopic(this.definition.topic);
  }

  /** Creates the topic and its dead-letter topic if missing and joins the group. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      const { topic, groupId } = this.definition;
      await this.deps.bus.ensureTopics([topic, this.deadLetterTopic]);
      this.subscription = await this.deps.bus.subscribe({
        groupId,
        topics: [topic],
        fromBeginning: this.options.fromBeginning,
        handle: (message) => this.handle(message),
      });
      this.log.info({ topic }, 'consumer started');
    })();
    return this.starting;
  }

  /** Waits for the message in progress and leaves the group. */
  async stop(): Promise<void> {
    const starting = this.starting;
    if (!starting) return;
    await starting.catch(() => undefined);
    const subscription = this.subscription;
    this.subscription = undefined;
    this.starting = undefined;
    if (subscription) {
      await subscription.stop();
      this.log.info('consumer stopped');
    }
  }

  /**
   * Resolves with how the event with `eventId` ended, at once when it was among the
   * last settled messages; rejects after `timeoutMs`.
   */
  settled(eventId: string, timeoutMs = 15_000): Promise<Settlement> {
    const known = this.recent.get(eventId);
    return known ? Promise.resolve(known) : this.nextSettlement(eventId, timeoutMs);
  }

  /** Like `settled`, but only for a delivery that ends after this call (e.g. a duplicate). */
  nextSettlement(eventId: string, timeoutMs = 15_000): Promise<Settlement> {
    return new Promise<Settlement>((resolve, reject) => {
      let waiters = this.waiters.get(eventId);
      if (!waiters) {
        waiters = new Set();
        this.waiters.set(eventId, waiters);
      }
      const done = (settlement: Settlement) => {
        clearTimeout(timer);
        resolve(settlement);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(eventId);
        reject(new Error(`${this.name}: event ${eventId} was not settled within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(done);
    });
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const position = { topic: message.topic, partition: message.partition, offset: message.offset };
    let event: CloudEvent;
    try {
      event = parseEnvelope(message.value);
    } catch (error) {
      return this.deadLetter(message, null, 'malformed', error, 0);
    }
    const handler = this.definition.handlers[event.type];
    const details = { ...position, eventId: event.id, type: event.type };
    if (!handler) {
      this.log.debug(details, 'event type not handled by this consumer; skipped');
      return this.settle(message, event, 'ignored');
    }
    if (await this.processed.findOne({ _id: this.recordId(event) })) {
      this.log.debug(details, 'event already processed; skipped');
      return this.settle(message, event, 'duplicate');
    }
    let run: (message: IncomingMessage) => Promise<void>;
    try {
      run = handler.prepare(event);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      return this.deadLetter(message, event, 'invalid', error, 0);
    }

    const { maxAttempts, retryDelayMs } = this.options;
    let lastError: unknown;
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts += 1;
      const started = Date.now();
      try {
        await run(message);
        await this.markProcessed(message, event);
        this.log.debug({ ...details, attempts, ms: Date.now() - started }, 'event processed');
        return this.settle(message, event, 'processed');
      } catch (error) {
        lastError = error;
        this.count(message, 'failed');
        if (error instanceof InvalidMessageError) return this.deadLetter(message, event, 'invalid', error, attempts);
        const last = attempts >= maxAttempts;
        const delayMs = retryDelayMs * 2 ** (attempts - 1);
        this.log.warn({ ...details, attempts, err: error, ...(last ? {} : { retryInMs: delayMs }) }, 'event handler failed');
        if (!last) await sleep(delayMs);
      }
    }
    if (this.options.checkDependencies) {
      try {
        await this.options.checkDependencies();
      } catch (outage) {
        this.log.warn({ ...details, err: outage }, 'a store is unreachable; the event will be redelivered instead of dead-lettered');
        throw lastError;
      }
    }
    return this.deadLetter(message, event, 'failed', lastError, attempts);
  }

  private async markProcessed(message: IncomingMessage, event: CloudEvent) {
    try {
      await this.processed.insertOne({
        _id: this.recordId(event),
        consumer: this.name,
        eventId: event.id,
        type: event.type,
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        processedAt: new Date(),
      });
    } catch (error) {
      // A concurrent delivery of the same event got there first; its effect is ours too.
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
  }

  private async deadLetter(message: IncomingMessage, event: CloudEvent | null, reason: DeadLetterReason, error: unknown, attempts: number) {
    const text = truncate(error instanceof Error ? error.message : String(error));
    const headers: Record<string, string> = {
      ...message.headers,
      [DLQ_HEADERS.consumer]: this.name,
      [DLQ_HEADERS.group]: this.definition.groupId,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.error]: text,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.topic]: message.topic,
      [DLQ_HEADERS.partition]: String(message.partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.failedAt]: new Date().toISOString(),
    };
    if (message.key !== null) headers[DLQ_HEADERS.key] = message.key;
    if (event) {
      headers[DLQ_HEADERS.eventId] = event.id;
      headers[DLQ_HEADERS.eventType] = event.type;
    }
    const details = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      eventId: event?.id,
      type: event?.type,
      reason,
      attempts,
      error: text,
    };
    try {
      await this.deps.bus.publish([{ topic: this.deadLetterTopic, key: message.key ?? '', value: message.value, headers }]);
    } catch (publishError) {
      this.log.error({ ...details, err: publishError }, 'dead-letter publish failed; the message will be redelivered');
      throw publishError;
    }
    this.log.error({ ...details, deadLetterTopic: this.deadLetterTopic }, 'message dead-lettered');
    this.settle(message, event, 'dead_lettered', text);
  }

  private settle(message: IncomingMessage, event: CloudEvent | null, outcome: Outcome, error?: string) {
    this.count(message, outcome);
    const settlement: Settlement = {
      outcome,
      eventId: event?.id ?? null,
      type: event?.type ?? null,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      ...(error === undefined ? {} : { error }),
    };
    if (!event) return;
    this.recent.delete(event.id);
    this.recent.set(event.id, settlement);
    if (this.recent.size > RECENT_SETTLEMENTS) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
    const waiters = this.waiters.get(event.id);
    if (waiters) {
      this.waiters.delete(event.id);
      for (const resolve of waiters) resolve(settlement);
    }
  }

  private count(message: IncomingMessage, outcome: Outcome | 'failed') {
    this.deps.onOutcome?.(this.name, message.topic, outcome);
  }

  private recordId(event: CloudEvent): string {
    return `${this.name}:${event.id}`;
  }
}

/** @throws InvalidMessageError unless `value` is a structured-mode CloudEvent. */
export function parseEnvelope(value: string): CloudEvent {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new InvalidMessageError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) throw new InvalidMessageError(`not a CloudEvent: ${describeIssues(parsed.error)}`);
  const envelope = parsed.data;
  return {
    specversion: '1.0',
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    time: envelope.time,
    subject: envelope.subject ?? '',
    datacontenttype: 'application/json',
    data: envelope.data,
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
