import { GraphQLError } from 'graphql';

/**
 * Every code a client may see, in one place: the ones our rules raise and the ones
 * the GraphQL pipeline raises for a request it cannot run (Apollo's names). Anything
 * else reaching a client is masked as INTERNAL_SERVER_ERROR by the error formatter.
 */
export const CLIENT_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'TOO_MANY_SUBSCRIPTIONS',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
] as const;

export type ClientCode = (typeof CLIENT_CODES)[number];

const clientCodes: ReadonlySet<string> = new Set(CLIENT_CODES);

export function isClientCode(code: unknown): code is ClientCode {
  return typeof code === 'string' && clientCodes.has(code);
}

abstract class ClientError extends GraphQLError {
  constructor(message: string, code: ClientCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** Input that breaks a rule; `field` is the argument path, e.g. `input.title`. */
export class BadUserInputError extends ClientError {
  constructor(message: string, readonly field: string) {
    super(message, 'BAD_USER_INPUT', { field });
  }
}

export class UnauthenticatedError extends ClientError {
  constructor(message = 'Sign in to do this') {
    super(message, 'UNAUTHENTICATED');
  }
}

export class ForbiddenError extends ClientError {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
  }
}

export class NotFoundError extends ClientError {
  constructor(what: string, id: string, field = 'id') {
    super(`${what} ${id} was not found`, 'NOT_FOUND', { field });
  }
}

export class ConflictError extends ClientError {
  constructor(message: string, field?: string) {
    super(message, 'CONFLICT', field ? { field } : {});
  }
}

export class RateLimitedError extends ClientError {
  constructor(readonly retryAfter: number, bucket: string) {
    super(`Too many ${bucket} requests; retry in ${retryAfter}s`, 'RATE_LIMITED', { retryAfter, bucket });
  }
}

/** A socket, or a user's sockets together, hold as many live subscriptions as allowed. */
export class TooManySubscriptionsError extends ClientError {
  constructor(readonly limit: number, scope: 'socket' | 'client') {
    super(`at most ${limit} active subscriptions per ${scope}; complete one first`, 'TOO_MANY_SUBSCRIPTIONS', { limit, scope });
  }
}

/**
 * Something the operation needs is unavailable for now (a store is down, or a document
 * stayed busy): nothing was changed by the failed step; the client may retry shortly.
 */
export class ServiceUnavailableError extends ClientError {
  constructor(what: string, retryAfter = 1) {
    super(`${what} is temporarily unavailable; retry shortly`, 'SERVICE_UNAVAILABLE', { retryAfter });
  }
}

/** A request the GraphQL pipeline refuses before running it (syntax, validation, operation). */
export class RequestRejectedError extends GraphQLError {
  constructor(error: GraphQLError, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'OPERATION_RESOLUTION_FAILURE' | 'BAD_USER_INPUT') {
    super(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, code } });
  }
}

export function isClientError(error: unknown): error is ClientError {
  return error instanceof ClientError;
}
