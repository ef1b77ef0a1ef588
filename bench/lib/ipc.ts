/** Messages between bench/run.ts and its child servers (over the Node IPC channel). */

export interface CapturedResponse {
  /** Path the bare server answers on, e.g. `/event-by-id`. */
  path: string;
  status: number;
  headers: Record<string, string>;
  /** The exact response body bytes, base64 encoded. */
  bodyBase64: string;
}

export type ChildMessage =
  | {
      type: 'listening';
      port: number;
      pid: number;
      /** Subgraph only, ms since the child process started: imports done, startApp() done. */
      timings?: { importsDoneMs: number; appStartedMs: number };
    }
  | { type: 'error'; message: string }
  /** The bare server is ready to receive the responses it will serve. */
  | { type: 'awaiting-responses' }
  | { type: 'profile-started' }
  | { type: 'profile-written'; file: string };

export type ParentMessage =
  | { type: 'responses'; responses: CapturedResponse[] }
  /** Start the V8 CPU profiler (subgraph only). */
  | { type: 'profile-start' }
  /** Stop it and write the profile to `file`. */
  | { type: 'profile-stop'; file: string };
