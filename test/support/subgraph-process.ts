import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

export interface SubgraphProcess {
  url: string;
  pid: number;
  /** Parsed JSON log lines, as the process wrote them. */
  logs: Record<string, unknown>[];
  /** Settles when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * The service as `npm start` runs it (src/index.ts, its own process, its own signal
 * handling), with `env` as its whole configuration; resolves once it serves.
 */
export async function startSubgraphProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<SubgraphProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    // At least info: the ready line (with the URL) is an info line.
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' ? env.LOG_LEVEL : 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const serving = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the subgraph did not start within ${readyTimeoutMs} ms: ${stderr}`)), readyTimeoutMs);
    void exited.then(({ code, signal }) => reject(new Error(`the subgraph exited (${code ?? signal}) before serving: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(parsed);
      if (typeof parsed.url === 'string' && String(parsed.msg).startsWith('events subgraph ready')) {
        clearTimeout(timer);
        resolve(parsed.url);
      }
    });
  });
  let url: string;
  try {
    url = await serving;
  } catch (error) {
    // Never leave a process behind that did not come up.
    child.kill('SIGKILL');
    throw error;
  }
  return { url, pid: child.pid!, logs, exited, kill: (signal) => void child.kill(signal) };
}
