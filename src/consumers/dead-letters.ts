import { MessageTooLargeError, type IncomingMessage, type MessageBus, type OutgoingMessage } from '../datasources/message-bus.js';
import type { CloudEvent } from '../domain/messaging/cloud-event.js';
import type { Logger } from '../logger.js';
import { DEAD_LETTERS, utf8Prefix, type DeadLetterStore } from '../datasources/dead-letter-repository.js';
import { attempt, type RetryPolicy } from './retry-policy.js';
import type { DeadLetterPlacement } from './settlements.js';

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
  /** On a copy whose value was cut: `true`. */
  truncated: 'dlq-truncated',
  /** On a cut copy: the original value's size in bytes. */
  originalBytes: 'dlq-original-bytes',
  /** On a cut copy: `dead_letters/<id>`, the record holding the whole message. */
  record: 'dlq-record',
  /** On a cut copy whose original headers were too large to carry: `true`. */
  headersDropped: 'dlq-headers-dropped',
} as const;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

const MAX_ERROR_LENGTH = 2_000;
/** What a cut copy keeps of the value and of the original headers. */
const COPY_VALUE_BYTES = 1_024;
const COPY_HEADER_BYTES = 4_096;

export interface DeadLetter {
  message: IncomingMessage;
  event: CloudEvent | null;
  reason: DeadLetterReason;
  error: unknown;
  attempts: number;
}

export interface DeadLettersDeps {
  bus: MessageBus;
  records: DeadLetterStore;
  logger: Logger;
  onStored?: (consumer: string, cause: string) => void;
}

/**
 * Sends a consumer's dead letters to `<topic>.dlq` with the original key, value and
 * headers plus `dlq-*` headers. A letter the topic does not take — too large once the
 * headers are added, or every publish attempt failed — is recorded whole in the
 * `dead_letters` collection instead, and a copy with the value cut to 1 KiB and a
 * `dlq-record` pointer goes to the topic when it can. Only when the store refuses the
 * record too does `send` throw, and the message is redelivered.
 */
export class DeadLetters {
  readonly topic: string;

  constructor(
    private readonly deps: DeadLettersDeps,
    private readonly consumer: { name: string; groupId: string; topic: string },
    private readonly publishPolicy: RetryPolicy,
  ) {
    this.topic = deadLetterTopic(consumer.topic);
  }

  async send(letter: DeadLetter): Promise<{ placement: DeadLetterPlacement; error: string }> {
    const { message, event, reason, attempts } = letter;
    const error = truncate(letter.error instanceof Error ? letter.error.message : String(letter.error));
    const failedAt = new Date();
    const dlqHeaders = this.dlqHeaders(letter, error, failedAt);
    const details = { topic: message.topic, partition: message.partition, offset: message.offset, eventId: event?.id, type: event?.type, reason, attempts, error };
    const whole: OutgoingMessage = { topic: this.topic, key: message.key ?? '', value: message.value, headers: { ...message.headers, ...dlqHeaders } };
    const published = await attempt(this.publishPolicy, () => this.deps.bus.publish([whole]), {
      isFinal: (publishError) => publishError instanceof MessageTooLargeError,
      onFailure: (publishError, attemptNo, retryInMs) =>
        this.deps.logger.warn({ ...details, err: publishError, publishAttempt: attemptNo, ...(retryInMs === null ? {} : { retryInMs }) }, 'dead-letter publish failed'),
    });
    if (published.ok) {
      this.deps.logger.error({ ...details, deadLetterTopic: this.topic }, 'message dead-lettered');
      return { placement: 'topic', error };
    }

    const cause = published.error instanceof MessageTooLargeError ? 'too_large' : 'publish_failed';
    const id = await this.deps.records.record({
      consumer: this.consumer.name,
      groupId: this.consumer.groupId,
      reason,
      error,
      attempts,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      headers: message.headers,
      eventId: event?.id ?? null,
      eventType: event?.type ?? null,
      cause,
      failedAt,
    });
    this.deps.onStored?.(this.consumer.name, cause);
    const copied = await this.publishCopy(letter, dlqHeaders, id);
    if (copied) await this.deps.records.markCopied(id).catch(() => undefined);
    this.deps.logger.error(
      { ...details, cause, deadLetterRecord: `${DEAD_LETTERS}/${id}`, copyOnTopic: copied, deadLetterTopic: this.topic },
      'message dead-lettered to the store',
    );
    return { placement: 'store', error };
  }

  /** One attempt: the record already holds everything, the copy only points to it. */
  private async publishCopy(letter: DeadLetter, dlqHeaders: Record<string, string>, id: string): Promise<boolean> {
    const { message } = letter;
    const headerBytes = Object.entries(message.headers).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
    const keepHeaders = headerBytes <= COPY_HEADER_BYTES;
    const copy: OutgoingMessage = {
      topic: this.topic,
      key: utf8Prefix(message.key ?? '', COPY_VALUE_BYTES),
      value: message.value === null ? null : utf8Prefix(message.value, COPY_VALUE_BYTES),
      headers: {
        ...(keepHeaders ? message.headers : {}),
        ...dlqHeaders,
        [DLQ_HEADERS.truncated]: 'true',
        [DLQ_HEADERS.originalBytes]: String(message.value === null ? 0 : Buffer.byteLength(message.value)),
        [DLQ_HEADERS.record]: `${DEAD_LETTERS}/${id}`,
        ...(keepHeaders ? {} : { [DLQ_HEADERS.headersDropped]: 'true' }),
      },
    };
    try {
      await this.deps.bus.publish([copy]);
      return true;
    } catch (error) {
      this.deps.logger.warn({ err: error, deadLetterRecord: `${DEAD_LETTERS}/${id}` }, 'dead-letter copy not published; the record stays in the store');
      return false;
    }
  }

  private dlqHeaders({ message, event, reason, attempts }: DeadLetter, error: string, failedAt: Date): Record<string, string> {
    const headers: Record<string, string> = {
      [DLQ_HEADERS.consumer]: this.consumer.name,
      [DLQ_HEADERS.group]: this.consumer.groupId,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.error]: error,
      [DLQ_HEADERS.attempts]: String(attempts),
      [DLQ_HEADERS.topic]: message.topic,
      [DLQ_HEADERS.partition]: String(message.partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
    };
    if (message.key !== null) headers[DLQ_HEADERS.key] = utf8Prefix(message.key, COPY_VALUE_BYTES);
    if (event) {
      headers[DLQ_HEADERS.eventId] = event.id;
      headers[DLQ_HEADERS.eventType] = event.type;
    }
    return headers;
  }
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
