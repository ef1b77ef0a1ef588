import type { Logger } from './logger.js';

interface Started {
  name: string;
  stop: () => Promise<void> | void;
}

/**
 * The app's components, started one after another and stopped in reverse. A start that
 * fails stops everything started before it (the one rollback path), then rethrows.
 */
export class Lifecycle {
  private readonly started: Started[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Starts one component; `stop` receives what `start` returned. */
  async start<T>(name: string, start: () => Promise<T> | T, stop?: (started: T) => Promise<void> | void): Promise<T> {
    const began = Date.now();
    let value: T;
    try {
      value = await start();
    } catch (error) {
      this.logger.error({ component: name, err: error }, `start-up: ${name} failed; stopping what started`);
      await this.stop();
      throw error;
    }
    if (stop) this.started.push({ name, stop: () => stop(value) });
    this.logger.debug({ component: name, ms: Date.now() - began }, `start-up: ${name} started`);
    return value;
  }

  /** Stops every started component, last first; one failing does not keep the others running. */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      for (const component of this.started.reverse()) {
        try {
          await component.stop();
        } catch (error) {
          this.logger.warn({ component: component.name, err: error }, `shutdown: ${component.name} did not stop cleanly`);
        }
      }
      this.started.length = 0;
    })());
  }
}
