import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startTestApp, uniqueUser, type TestApp } from '../support/app.js';

describe("identity from an identity provider's JWKS", () => {
  let jwks: Server;
  let app: TestApp;
  let sign: (userId: string) => Promise<string>;

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    sign = (userId) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setSubject(userId).setIssuer('https://id.example.com').setExpirationTime('5m').sign(privateKey);
    app = await startTestApp({ mode: 'embedded', env: { JWT_SECRET: '', JWT_JWKS_URL: url, JWT_ISSUER: 'https://id.example.com' } });
  });
  after(async () => {
    await app?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const myEvents = async (authorization: string) => {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ myEvents { totalCount } }' }),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] } };
  };

  it('accepts a token signed by a key in the JWKS and takes the user from its subject', async () => {
    const result = await myEvents(`Bearer ${await sign(uniqueUser('jwks'))}`);
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.data, { myEvents: { totalCount: 0 } });
  });

  it('refuses a token signed with the HS256 development secret instead', async () => {
    const result = await myEvents(`Bearer ${await app.token(uniqueUser('forged'))}`);
    assert.equal(result.status, 401);
    assert.equal(result.body.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
  });
});
