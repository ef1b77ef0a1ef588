import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DatastoreError, type DatastoreName } from '../datasources/driver-errors.js';
import { isClientCode, ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** `Variable "$input" got invalid value … at "input.title"; …` → `input.title`. */
function fieldOfCoercionError(message: string): string | undefined {
  const match = /^Variable "\$(\w+)" got invalid value.*?(?: at "([^"]+)")?;/s.exec(message);
  return match ? (match[2] ?? match[1]) : undefined;
}

/**
 * graphql-js ends a message with its guesses — `Did you mean "title"?`, `Did you mean
 * the enum value "GOING"?` — for fields, arguments, types, input fields and enum values
 * alike; each guess names a part of the schema.
 */
function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .+?\?$/s, '');
}

/** What a client is told is missing, by the store that failed (never the store's name or address). */
const CAPABILITY: Record<DatastoreName, string> = {
  mongodb: 'event storage',
  neo4j: 'the friendship graph',
  redis: 'rate limiting',
  kafka: 'event publishing',
};

/**
 * The one formatter of every transport: client errors pass (without stack traces, and
 * without schema suggestions when `hideSuggestions`); anything else is logged with its
 * cause for operators and replaced by a generic error.
 */
export function createErrorFormatter(logger: Logger, options: { hideSuggestions: boolean }): ErrorFormatter {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    if (isClientCode(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      if (code === 'BAD_USER_INPUT' && extensions.field === undefined) {
        const field = fieldOfCoercionError(formatted.message);
        if (field) extensions.field = field;
      }
      const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
      return { ...formatted, message, extensions };
    }
    // A resolver's or a subscription stream's failure, wrapped by graphql-js or graphql-ws.
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    if (original instanceof DatastoreError) {
      // A dependency away or busy: the client is told so, and may retry; operators see it in /health.
      logger.warn({ err: original, path: formatted.path }, 'a dependency failed while resolving');
      const unavailable = new ServiceUnavailableError(CAPABILITY[original.store]);
      return { message: unavailable.message, ...(formatted.path ? { path: formatted.path } : {}), extensions: { ...unavailable.extensions } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
