import { z } from 'zod';
import { cloudEvent, type CloudEvent } from './cloud-event.js';

/** A message whose data does not match its type's contract. */
export class MessageContractError extends Error {
  constructor(type: string, issues: z.core.$ZodIssue[]) {
    super(`invalid data for ${type}: ${issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}`);
    this.name = 'MessageContractError';
  }
}

/**
 * One CloudEvent type: its data schema, the constructor producers use and the parser
 * consumers use, so a producer and its consumers cannot disagree on the shape.
 */
export interface MessageContract<S extends z.ZodType> {
  readonly type: string;
  readonly data: S;
  /** A new event of this type about `subject` (the aggregate id, also the Kafka key); `id` when it was chosen beforehand. */
  create(source: string, subject: string, data: z.input<S>, time?: Date, id?: string): CloudEvent<z.output<S>>;
  /** The data of `event`, checked. @throws MessageContractError */
  parse(event: Pick<CloudEvent, 'type' | 'data'>): z.output<S>;
  /** Whether `event` is of this type (its data is not checked). */
  is(event: Pick<CloudEvent, 'type'>): boolean;
}

export function defineMessage<S extends z.ZodType>(type: string, data: S): MessageContract<S> {
  const parse = (value: unknown): z.output<S> => {
    const parsed = data.safeParse(value);
    if (!parsed.success) throw new MessageContractError(type, parsed.error.issues);
    return parsed.data;
  };
  return {
    type,
    data,
    create: (source, subject, payload, time = new Date(), id) => cloudEvent(source, type, subject, parse(payload), time, id),
    parse: (event) => {
      if (event.type !== type) throw new MessageContractError(type, [{ code: 'custom', path: ['type'], message: `is ${event.type}`, input: event.type }]);
      return parse(event.data);
    },
    is: (event) => event.type === type,
  };
}
