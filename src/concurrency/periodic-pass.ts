/**
 * A background pass run every interval, never two at once: a tick that finds one running
 * skips, `run()` joins the one running, and `stop()` waits for it to end. A failed pass
 * is reported and the next tick tries again.
 */
export class PeriodicPass<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;

  constructor(
    private readonly pass: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Ticks every `intervalMs` (the first at once when `immediately`); never keeps the process alive. */
  start(intervalMs: number, { immediately = false } = {}): void {
    clearInterval(this.timer);
    const tick = () => void this.run().catch(this.onError);
    if (immediately) tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** A pass now, or the one under way. */
  run(): Promise<T> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
