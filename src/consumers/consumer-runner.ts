import type { DocumentStore } from '../datasources/documents.js';
import type { IncomingMessage, MessageBus, Subscription } from '../datasources/message-bus.js';
import type { CloudEvent } from '../domain/messaging/cloud-event.js';
import type { Logger } from '../logger.js';
import { DeadLetterStore } from '../datasources/dead-letter-repository.js';
import { DeadLetters, type DeadLetterReason } from './dead-letters.js';
import { envelopeParser, InvalidMessageError } from './envelope.js';
import type { EventHandler } from './event-handler.js';
import { ProcessedMessages } from '../datasources/processed-message-repository.js';
import { attempt } from './retry-policy.js';
import { SettlementLog, type Outcome, type Settlement } from './settlements.js';

export interface ConsumerDefinition {
  /** Names the consumer in logs, metrics, processed-message ids and dead letters. */
  name: string;
  topic: string;
  /** Shared by every instance, so each message is handled by one of them. */
  groupId: string;
  /** By CloudEvent `type`. */
  handlers: Record<string, EventHandler>;
  /**
   * Types that travel on the topic but concern other consumers: skipped quietly. Any
   * other type without a handler is skipped too, but counted as `unknown_type` and
   * logged at warn with the type, so a misspelt producer type gets noticed.
   */
  ignores?: readonly string[];
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
  /** How far an event's `time` may lie in the future; default 5 minutes. */
  maxFutureSkewMs?: number;
  /** Dead-letter publish attempts before the letter is kept in the store instead; default 3. */
  deadLetterPublishAttempts?: number;
}

export interface ConsumerRunnerDeps {
  bus: MessageBus;
  store: DocumentStore;
  logger: Logger;
  /** Told how each delivery (and each failed attempt) ended, e.g. for metrics. */
  onOutcome?: (consumer: string, topic: string, outcome: Outcome | 'failed' | 'unknown_type') => void;
  /** Told each dead letter kept in the store because the dead-letter topic did not take it. */
  onDeadLetterStored?: (consumer: string, cause: string) => void;
}

const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;
const DEFAULT_DEAD_LETTER_PUBLISH_ATTEMPTS = 3;
/** An unknown type is logged at most this often per type. */
const UNKNOWN_TYPE_WARN_INTERVAL_MS = 60_000;

/**
 * Consumes one topic in one consumer group, dispatching each CloudEvent to the handler
 * for its `type`.
 *
 * Envelopes are checked strictly (see envelope.ts): `specversion` 1.0, printable `id`,
 * `source` and `type`, an RFC 3339 `time` no further ahead than the allowed clock skew.
 *
 * Idempotency: before handling, an event whose `<consumer>:<id>` record exists in
 * `processed_messages` is skipped; the record is written after the handler resolved.
 * The store has no multi-document transactions, so the effect and the record cannot
 * commit together: a crash between them re-runs the handler on redelivery, and handlers
 * are written to converge (writes guarded by event time, conditional updates by `_id`).
 * The record turns a redelivery into a no-op; the time guards keep a replayed old event
 * (new id, old `time`) from undoing newer state.
 *
 * Failures: a message that is not a CloudEvent, breaks the envelope rules, or whose data
 * its handler rejects is dead-lettered at once; a handler that throws is retried with a
 * short backoff and dead-lettered after `maxAttempts` (unless `checkDependencies` says a
 * store is down: then it throws, and the bus redelivers the message later). Dead letters
 * go to `<topic>.dlq` (see DeadLetters), or to the `dead_letters` collection when the
 * topic does not take them, and the offset moves on. Only when neither takes a letter
 * does the runner throw, so the bus redelivers the message.
 */
export class ConsumerRunner {
  private readonly processed: ProcessedMessages;
  private readonly deadLetters: DeadLetters;
  private readonly settlements: SettlementLog;
  private readonly parseEnvelope: (value: string | null) => CloudEvent;
  private readonly ignored: ReadonlySet<string>;
  private readonly unknownTypeWarnedAt = new Map<string, number>();
  private readonly log: Logger;
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly deps: ConsumerRunnerDeps,
    readonly definition: ConsumerDefinition,
    private readonly options: ConsumerRunnerOptions,
  ) {
    this.log = deps.logger.child({ component: 'consumer', consumer: definition.name, groupId: definition.groupId });
    this.processed = new ProcessedMessages(deps.store);
    this.deadLetters = new DeadLetters(
      { bus: deps.bus, records: new DeadLetterStore(deps.store), logger: this.log, ...(deps.onDeadLetterStored ? { onStored: deps.onDeadLetterStored } : {}) },
      { name: definition.name, groupId: definition.groupId, topic: definition.topic },
      { maxAttempts: options.deadLetterPublishAttempts ?? DEFAULT_DEAD_LETTER_PUBLISH_ATTEMPTS, firstDelayMs: options.retryDelayMs },
    );
    this.settlements = new SettlementLog(definition.name);
    this.parseEnvelope = envelopeParser({ maxFutureSkewMs: options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS });
    this.ignored = new Set(definition.ignores ?? []);
  }

  get name(): string {
    return this.definition.name;
  }

  get deadLetterTopic(): string {
    return this.deadLetters.topic;
  }

  /** What the lag monitor asks the bus about. */
  get lagQuery() {
    return { groupId: this.definition.groupId, topics: [this.definition.topic], fromBeginning: this.options.fromBeginning };
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
    return this.settlements.settled(eventId, timeoutMs);
  }

  /** Like `settled`, but only for a delivery that ends after this call (e.g. a duplicate). */
  nextSettlement(eventId: string, timeoutMs = 15_000): Promise<Settlement> {
    return this.settlements.next(eventId, timeoutMs);
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const position = { topic: message.topic, partition: message.partition, offset: message.offset };
    let event: CloudEvent;
    try {
      event = this.parseEnvelope(message.value);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      return this.deadLetter(message, null, error.reason, error, 0);
    }
    const handler = this.definition.handlers[event.type];
    const details = { ...position, eventId: event.id, type: event.type };
    if (!handler) {
      this.skipType(message, event);
      return this.settle(message, event, 'ignored');
    }
    if (await this.processed.has(this.name, event.id)) {
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

    const started = Date.now();
    const outcome = await attempt(
      { maxAttempts: this.options.maxAttempts, firstDelayMs: this.options.retryDelayMs },
      async () => {
        await run(message);
        await this.processed.mark({
          consumer: this.name,
          eventId: event.id,
          type: event.type,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          processedAt: new Date(),
        });
      },
      {
        isFinal: (error) => error instanceof InvalidMessageError,
        onFailure: (error, attempts, retryInMs) => {
          this.count(message, 'failed');
          if (error instanceof InvalidMessageError) return;
          this.log.warn({ ...details, attempts, err: error, ...(retryInMs === null ? {} : { retryInMs }) }, 'event handler failed');
        },
      },
    );
    if (outcome.ok) {
      this.log.debug({ ...details, attempts: outcome.attempts, ms: Date.now() - started }, 'event processed');
      return this.settle(message, event, 'processed');
    }
    if (outcome.error instanceof InvalidMessageError) return this.deadLetter(message, event, 'invalid', outcome.error, outcome.attempts);
    if (this.options.checkDependencies) {
      try {
        await this.options.checkDependencies();
      } catch (outage) {
        this.log.warn({ ...details, err: outage }, 'a store is unreachable; the event will be redelivered instead of dead-lettered');
        throw outcome.error;
      }
    }
    return this.deadLetter(message, event, 'failed', outcome.error, outcome.attempts);
  }

  /** Known types of other consumers pass quietly; anything else is counted and reported. */
  private skipType(message: IncomingMessage, event: CloudEvent) {
    const details = { topic: message.topic, partition: message.partition, offset: message.offset, eventId: event.id, type: event.type };
    if (this.ignored.has(event.type)) {
      this.log.debug(details, 'event type handled by other consumers; skipped');
      return;
    }
    this.count(message, 'unknown_type');
    const now = Date.now();
    const last = this.unknownTypeWarnedAt.get(event.type);
    if (last !== undefined && now - last < UNKNOWN_TYPE_WARN_INTERVAL_MS) return;
    // Bounded: a producer inventing types must not grow this map without end.
    if (this.unknownTypeWarnedAt.size >= 1_000) this.unknownTypeWarnedAt.clear();
    this.unknownTypeWarnedAt.set(event.type, now);
    this.log.warn({ ...details, source: event.source }, `unknown event type ${JSON.stringify(event.type)} on ${message.topic}; skipped`);
  }

  private async deadLetter(message: IncomingMessage, event: CloudEvent | null, reason: DeadLetterReason, error: unknown, attempts: number) {
    const { placement, error: text } = await this.deadLetters.send({ message, event, reason, error, attempts });
    this.settle(message, event, 'dead_lettered', text, placement);
  }

  private settle(message: IncomingMessage, event: CloudEvent | null, outcome: Outcome, error?: string, deadLetter?: Settlement['deadLetter']) {
    this.count(message, outcome);
    this.settlements.record({
      outcome,
      eventId: event?.id ?? null,
      type: event?.type ?? null,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      ...(error === undefined ? {} : { error }),
      ...(deadLetter === undefined ? {} : { deadLetter }),
    });
  }

  private count(message: IncomingMessage, outcome: Outcome | 'failed' | 'unknown_type') {
    this.deps.onOutcome?.(this.name, message.topic, outcome);
  }
}
