/** Progress as one JSON line per step on stderr; stdout is kept for the results table. */
export function progress(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'bench', msg, ...fields })}\n`);
}

export function warn(msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', component: 'bench', msg, ...fields })}\n`);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
