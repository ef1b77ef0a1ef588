/** Types of the test-server script for TypeScript callers (tests). */
export interface ServerEnv {
  MONGODB_URL: string;
  REDIS_URL: string;
  NEO4J_URL: string;
  KAFKA_BROKERS: string;
}

export function installServers(): Promise<void>;
export function startServers(options?: { detached?: boolean }): Promise<{ env: ServerEnv; stop: () => Promise<void> }>;

export interface DedicatedKafka {
  brokers: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function startDedicatedKafka(): Promise<DedicatedKafka>;
