/**
 * Runs tasks one at a time per key, in arrival order unless a task asks to go `ahead` of
 * those waiting (not of the one running); different keys run in parallel.
 */
export class KeyedQueue {
  private readonly waiting = new Map<string, (() => void)[]>();

  run<R>(key: string, work: () => Promise<R>, options: { ahead?: boolean } = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const start = () => {
        Promise.resolve()
          .then(work)
          .then(resolve, reject)
          .finally(() => this.next(key));
      };
      const queue = this.waiting.get(key);
      if (!queue) {
        this.waiting.set(key, []);
        start();
      } else if (options.ahead) queue.unshift(start);
      else queue.push(start);
    });
  }

  private next(key: string) {
    const start = this.waiting.get(key)?.shift();
    if (start) start();
    else this.waiting.delete(key);
  }
}
