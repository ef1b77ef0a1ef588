import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when no router secret is configured, or the request carries it. */
export function routerSecretMatches(expected: string | null, given: string | string[] | undefined): boolean {
  if (expected === null) return true;
  return typeof given === 'string' && sameSecret(expected, given);
}

/** True when a bearer token is configured and `Authorization` carries exactly it. */
export function bearerMatches(expected: string | null, authorization: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  return expected !== null && match?.[1] !== undefined && sameSecret(expected, match[1]);
}

/**
 * Who an anonymous caller is, for rate limits and socket caps. Behind the router every
 * request comes from the router's address, so the client address it forwards is used —
 * but only when the router proved itself with the shared secret.
 */
export function clientKeyOf(req: IncomingMessage, trustForwarded: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return (trustForwarded && first) || req.socket.remoteAddress || 'unknown';
}
