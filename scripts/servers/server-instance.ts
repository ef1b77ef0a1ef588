/**
 * One running instance of a recipe: started, stopped and started again on the same ports
 * and data, paused and resumed. Its processes are recorded (through `onChange`) so that
 * another process — the CLI's `stop`, or the reaper after a crash — can stop them too.
 */
import { info, secondsSince, sizeOf, warn } from './log.js';
import { waitPortsFree } from './ports.js';
import { rel } from './paths.js';
import { killGroupSync, pauseGroup, recordOf, spawnServer, stopGroup, type ProcessRecord } from './processes.js';
import { startTimeout, type InstanceLayout, type Recipe, type ServerName } from './recipe.js';
import { waitReady } from './wait-ready.js';

export interface RecordedProcess extends ProcessRecord {
  label: string;
  port: number;
  log: string;
}

/** What a run's state.json holds about one server. */
export interface ServerRecord {
  name: ServerName;
  url: string;
  ports: number[];
  stopGraceMs: number;
  processes: RecordedProcess[];
}

export type StopSignal = 'SIGTERM' | 'SIGKILL';

/** How long a stopped server's ports may stay taken before its next start is let fail. */
const PORT_RELEASE_TIMEOUT_MS = 5_000;

/** Stops a recorded server's processes (SIGKILL right away simulates a crash). */
export async function stopRecordedServer(record: ServerRecord, signal: StopSignal = 'SIGTERM'): Promise<void> {
  await Promise.all(record.processes.map((process) => stopGroup(process.label, process, record.stopGraceMs, signal)));
}

export function killRecordedServerSync(record: ServerRecord): void {
  for (const process of record.processes) killGroupSync(process);
}

export class ServerInstance {
  private processes: RecordedProcess[] = [];
  private fresh = true;
  private stopping = false;

  constructor(
    readonly recipe: Recipe,
    readonly layout: InstanceLayout,
    private readonly onChange: () => void = () => {},
  ) {}

  get url(): string {
    return this.recipe.url(this.layout);
  }

  get record(): ServerRecord {
    const { name, stopGraceMs } = this.recipe;
    return { name, url: this.url, ports: this.layout.ports, stopGraceMs, processes: [...this.processes] };
  }

  /** Starts every process and resolves once the server as a whole answers. */
  async start(): Promise<void> {
    const t0 = Date.now();
    const { recipe, layout } = this;
    if (this.processes.length > 0) throw new Error(`${recipe.name}: already running`);
    this.stopping = false;
    if (this.fresh) await recipe.prepare?.(layout);
    this.checkNotStopping();
    const timeoutMs = startTimeout(recipe);
    const waits = recipe.processes(layout).map((spec) => {
      info(`${spec.label}: starting on 127.0.0.1:${spec.port}`);
      const logOffset = sizeOf(spec.logFile);
      const child = spawnServer(spec.command, spec.args, { cwd: spec.cwd, logFile: spec.logFile });
      const process = recordOf(child);
      if (process) this.processes.push({ ...process, label: spec.label, port: spec.port, log: rel(spec.logFile) });
      return waitReady(spec, child, { timeoutMs, logOffset, aborted: () => this.stopping });
    });
    this.onChange();
    await Promise.all(waits);
    this.checkNotStopping();
    if (this.fresh) await recipe.initialize?.(layout);
    this.fresh = false;
    await recipe.ready?.(layout, timeoutMs);
    info(`${recipe.name}: ready in ${secondsSince(t0)}s`, { url: this.url });
  }

  /** Stops every process; the ports and data stay for the next `start`. */
  async stop(signal: StopSignal = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const record = this.record;
    this.processes = [];
    await stopRecordedServer(record, signal);
    // The next start binds the same ports.
    if (!(await waitPortsFree(this.layout.ports, PORT_RELEASE_TIMEOUT_MS))) warn(`${this.recipe.name}: its ports are still taken after it stopped`, { ports: this.layout.ports });
    this.onChange();
  }

  /** SIGSTOP / SIGCONT: a paused server keeps its sockets open and answers nothing, like a hung one. */
  pause(paused: boolean): void {
    for (const process of this.processes) pauseGroup(process, paused);
  }

  killSync(): void {
    killRecordedServerSync(this.record);
  }

  private checkNotStopping(): void {
    if (this.stopping) throw new Error(`${this.recipe.name}: start aborted, servers are being stopped`);
  }
}
