import { SignJWT, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from './config.js';
import { anonymous, type Viewer } from './domain/users/model.js';
import { UnauthenticatedError } from './errors.js';

export interface Authenticator {
  /** Anonymous without a header; a user for a valid token; UNAUTHENTICATED for a bad one. */
  viewerFrom(authorization: string | undefined | null): Promise<Viewer>;
}

export function createAuthenticator(auth: Config['auth']): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey | null = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : auth.secret
      ? new TextEncoder().encode(auth.secret)
      : null;
  const options = {
    algorithms: auth.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
  return {
    async viewerFrom(authorization) {
      if (!authorization) return anonymous;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
      if (!key) throw new UnauthenticatedError('this service accepts no tokens');
      try {
        const { payload } = await (typeof key === 'function'
          ? jwtVerify(match[1], key, options)
          : jwtVerify(match[1], key, options));
        if (!payload.sub) throw new UnauthenticatedError('the token has no subject');
        return { kind: 'user', id: payload.sub };
      } catch (error) {
        if (error instanceof UnauthenticatedError) throw error;
        const reason = error instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
        throw new UnauthenticatedError(reason);
      }
    },
  };
}

/** An HS256 token for `userId`, for demos and tests. */
export function signToken(secret: string, userId: string, expiresIn = '12h', claims: { issuer?: string | null; audience?: string | null } = {}) {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime(expiresIn);
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
