/**
 * Reads a setting the integration tests cannot run without. A missing server is a
 * failure, never a skip: a green run must mean the real adapters were exercised.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`${name} is not set: integration tests need the real servers that 'npm test' starts (scripts/test.mjs)`);
  }
  return value;
}
