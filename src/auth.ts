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

export function createAuthenticator(auth: Config['auth']): Authenticator {
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
  return {
    async identify(authorization) {
      if (!authorization) return nobody;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
      if (!key) throw new UnauthenticatedError('this service accepts no tokens');
      try {
        const { payload } = await (typeof key === 'function' ? jwtVerify(match[1], key, options) : jwtVerify(match[1], key, options));
        if (!payload.sub) throw new UnauthenticatedError('the token has no subject');
        return { viewer: { kind: 'user', id: payload.sub }, expiresAt: payload.exp === undefined ? null : new Date(payload.exp * 1000) };
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
