import { z } from 'zod';
import type { CloudEvent } from '../domain/messaging/cloud-event.js';

export type RejectionReason = 'malformed' | 'invalid';

/**
 * Thrown for a message that can never succeed: `malformed` when it is not a CloudEvent
 * at all (no JSON object with `specversion`, or a null tombstone), `invalid` when an
 * envelope attribute or the data breaks the rules. Either goes to the dead-letter topic
 * at once, without further attempts.
 */
export class InvalidMessageError extends Error {
  constructor(
    message: string,
    readonly reason: RejectionReason = 'invalid',
  ) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

export interface EnvelopeRules {
  /** How far `time` may lie ahead of this process's clock (producers' clocks drift). */
  maxFutureSkewMs: number;
  now?: () => number;
}

/** Printable ASCII without spaces: what ids and types of real producers look like. */
const token = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

// RFC 3339 allows a lower-case "t" and "z"; zod's ISO check wants them upper-case.
const rfc3339 = z.iso.datetime({ offset: true });

const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function envelopeSchema({ maxFutureSkewMs, now = Date.now }: EnvelopeRules) {
  return z.object({
    specversion: z.literal('1.0'),
    id: token(256),
    source: token(1024),
    type: token(256),
    time: z
      .string()
      .refine((value) => rfc3339.safeParse(value.toUpperCase()).success, 'must be an RFC 3339 timestamp with a time zone, e.g. 2024-05-01T12:00:00Z')
      .refine((value) => Date.parse(value.toUpperCase()) <= now() + maxFutureSkewMs, `lies more than ${maxFutureSkewMs} ms in the future`),
    subject: z.string().optional(),
    datacontenttype: z.string().regex(jsonContentType, 'must be a JSON media type').optional(),
    data: z.unknown(),
  });
}

/** Builds the parser once per rule set. @throws InvalidMessageError */
export function envelopeParser(rules: EnvelopeRules): (value: string | null) => CloudEvent {
  const Envelope = envelopeSchema(rules);
  return (value) => {
    if (value === null) throw new InvalidMessageError('a tombstone (null value), not a CloudEvent', 'malformed');
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch (error) {
      throw new InvalidMessageError(`not JSON: ${error instanceof Error ? error.message : String(error)}`, 'malformed');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json) || !('specversion' in json)) {
      throw new InvalidMessageError('not a CloudEvent: (root): a JSON object with specversion expected', 'malformed');
    }
    const parsed = Envelope.safeParse(json);
    if (!parsed.success) throw new InvalidMessageError(`invalid CloudEvent envelope: ${describeIssues(parsed.error)}`);
    const envelope = parsed.data;
    return {
      specversion: '1.0',
      id: envelope.id,
      source: envelope.source,
      type: envelope.type,
      time: new Date(Date.parse(envelope.time.toUpperCase())).toISOString(),
      subject: envelope.subject ?? '',
      datacontenttype: 'application/json',
      data: envelope.data,
    };
  };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}
