/** Small HTTP helpers for talking to the children (127.0.0.1 only). */

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function localUrl(port: number, path: string): string {
  return `http://127.0.0.1:${port}${path}`;
}

export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

export interface GraphQLRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function graphqlRequest(query: string, variables: Record<string, unknown> = {}): GraphQLRequest {
  return { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) };
}

/** Whether a GraphQL response body carries no error (a 200 may carry one). */
export const withoutGraphQLErrors = (body: string): boolean => !body.includes('"errors"');

/**
 * Runs one GraphQL operation, anonymously or as the holder of `token`, and returns its
 * parsed data (throws on HTTP or GraphQL errors).
 */
export async function graphql<T>(port: number, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const req = graphqlRequest(query, variables);
  if (token) req.headers.authorization = `Bearer ${token}`;
  const response = await request(localUrl(port, req.path), req);
  const json = JSON.parse(response.body.toString('utf8')) as { data?: T; errors?: unknown[] };
  if (response.status !== 200 || json.errors?.length || !json.data) {
    throw new Error(`GraphQL request failed (${response.status}): ${response.body.toString('utf8').slice(0, 500)}`);
  }
  return json.data;
}

/**
 * Polls GET /ready until it answers 200; returns performance.now() at that moment.
 * Bounded by `timeoutMs`; connection errors just mean "not yet".
 */
export async function waitReady(port: number, timeoutMs: number, intervalMs = 10): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await request(localUrl(port, '/ready'), {}, 2_000);
      if (response.status === 200) return performance.now();
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`/ready did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}
