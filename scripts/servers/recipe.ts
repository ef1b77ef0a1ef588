/** What each test server provides: how to install it, start it, tell it is ready, and stop it. */

export const SERVER_NAMES = ['ferretdb', 'redis', 'kafka', 'neo4j', 'redis-cluster'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Where one instance of a server lives. */
export interface InstanceLayout {
  /** This instance's directory: logs and generated config; kept after a stop for post-mortems. */
  dir: string;
  /** Its data; removed when the instance is disposed. */
  dataDir: string;
  /** The loopback ports it listens on, picked once and kept across restarts. */
  ports: number[];
  /** Keep data across a restart where the server would not by default (Redis: append-only file). */
  persistent: boolean;
}

/** One process of a server (most servers are one process; a Redis Cluster is three). */
export interface ProcessSpec {
  /** Name in logs, e.g. `redis-cluster node 2`. */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  /** Appended to across restarts. */
  logFile: string;
  /** The port it answers on. */
  port: number;
  /** A line each start prints before the probe is worth trying. */
  readyLine?: RegExp;
  /** Resolves once the process answers its protocol. */
  probe(): Promise<void>;
  /** Another log whose tail helps when the start fails (Neo4j's debug.log). */
  extraLog?: string;
}

export interface Recipe {
  name: ServerName;
  /** The variable tests and the app read this server's address from. */
  envVar: string;
  portCount: number;
  startTimeoutMs: number;
  /** How long it gets to exit after SIGTERM before its process group gets SIGKILL. */
  stopGraceMs: number;
  /** Installs, builds or resolves what is missing; cheap when everything is cached. */
  install(): Promise<void>;
  /** Once, for a fresh data dir, before the first start (Kafka formats its storage). */
  prepare?(layout: InstanceLayout): Promise<void>;
  processes(layout: InstanceLayout): ProcessSpec[];
  /** Once, after the processes of the first start answer (Redis Cluster: create the cluster). */
  initialize?(layout: InstanceLayout): Promise<void>;
  /** After every start, until the server as a whole can serve (Kafka: a group coordinator). */
  ready?(layout: InstanceLayout, timeoutMs: number): Promise<void>;
  url(layout: InstanceLayout): string;
}

/** A readiness timeout, overridable for slow machines with TEST_SERVERS_START_TIMEOUT_MS. */
export function startTimeout(recipe: Recipe): number {
  const override = Number(process.env.TEST_SERVERS_START_TIMEOUT_MS);
  return override > 0 ? override : recipe.startTimeoutMs;
}
