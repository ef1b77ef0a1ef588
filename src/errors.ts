import { GraphQLError } from 'graphql';

/**
 * Every error a client can cause, in one place. Each carries `extensions.code`;
 * anything else reaching the client is masked as INTERNAL_SERVER_ERROR.
 */
export type ClientErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED';

abstract class ClientError extends GraphQLError {
  constructor(message: string, code: ClientErrorCode, extensions: Record<string, unknown> = {}) {
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

export function isClientError(error: unknown): error is ClientError {
  return error instanceof ClientError;
}
