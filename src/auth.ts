import { LRUCache } from 'lru-cache';
import { SignJWT, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { Config } from './config.js';
import { anonymous, type Viewer } from './domain/users/model.js';
import { UnauthenticatedError } from './errors.js';

/** Who is calling, and until when that holds (the token's `exp`; null for anonymous or no `exp`). */
export interface Identity {
  viewer: Viewer;
  expiresAt: Date | null;
}

export interface Authenticator {
  /** Anonymous without a header; a user for a valid token; UNAUTHENTICATED for a bad one. */
  identify(authorization: string | undefined | null): Promise<Identity>;
}

const nobody: Identity = { viewer: anonymous, expiresAt: null };

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp') return 'the token has no expiry (exp)';
  return 'the token is not valid';
}

/** Verified tokens kept, and for how long at most (a JWKS key withdrawn still verifies a kept token this long). */
const VERIFIED_TOKENS_KEPT = 10_000;
const VERIFIED_TOKEN_MAX_AGE_MS = 5 * 60_000;

export interface AuthenticatorHooks {
  /** Told whether a token was found among those verified before. */
  onLookup?: (hit: boolean) => void;
}

/**
 * Bearer tokens verified with jose. A token that verified is kept (by its exact text)
 * until it expires, for at most five minutes, so a client sending the same token with
 * every request pays for one signature check, not one per request; a kept token is
 * checked against its `exp` at every use. Refused tokens are never kept.
 */
export function createAuthenticator(auth: Config['auth'], hooks: AuthenticatorHooks = {}): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey | null = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : auth.secret
      ? new TextEncoder().encode(auth.secret)
      : null;
  const options: JWTVerifyOptions = {
    algorithms: auth.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
    // A token without an expiry would keep a socket authorised forever.
    requiredClaims: auth.allowTokensWithoutExp ? [] : ['exp'],
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
  const verified = new LRUCache<string, Identity>({ max: VERIFIED_TOKENS_KEPT });
  return {
    async identify(authorization) {
      if (!authorization) return nobody;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
      if (!key) throw new UnauthenticatedError('this service accepts no tokens');
      const token = match[1];
      const known = verified.get(token);
      hooks.onLookup?.(known !== undefined);
      if (known && (known.expiresAt === null || known.expiresAt.getTime() > Date.now())) return known;
      try {
        const { payload } = await (typeof key === 'function' ? jwtVerify(token, key, options) : jwtVerify(token, key, options));
        if (!payload.sub) throw new UnauthenticatedError('the token has no subject');
        const identity: Identity = { viewer: { kind: 'user', id: payload.sub }, expiresAt: payload.exp === undefined ? null : new Date(payload.exp * 1000) };
        const keepMs = Math.min(VERIFIED_TOKEN_MAX_AGE_MS, identity.expiresAt === null ? Infinity : identity.expiresAt.getTime() - Date.now());
        if (keepMs > 0) verified.set(token, identity, { ttl: keepMs });
        return identity;
      } catch (error) {
        if (error instanceof UnauthenticatedError) throw error;
        throw new UnauthenticatedError(reasonOf(error));
      }
    },
  };
}

/** An HS256 token for `userId`, for demos and tests. */
export function signToken(secret: string, userId: string, expiresIn: string | number = '12h', claims: { issuer?: string | null; audience?: string | null } = {}) {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime(expiresIn);
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
