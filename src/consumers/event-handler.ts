import type { z } from 'zod';
import type { IncomingMessage } from '../datasources/message-bus.js';
import type { CloudEvent } from '../domain/messaging/cloud-event.js';
import { describeIssues, InvalidMessageError } from './envelope.js';

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
