import type { ServerResponse } from 'node:http';

const pending: { res: ServerResponse; body: string | Buffer }[] = [];
let scheduled = false;

/**
 * Ends `res` with `body` at the end of this event-loop turn, together with every other
 * answer finished in it. A write on a loopback or LAN socket wakes the reader when it
 * sleeps, and the wake-up is most of a write's cost: answers written one by one between
 * other requests' work each paid it (a third of a signed-in `event(id)`'s CPU, measured
 * with perf), while back to back they find the reader still awake. An answer waits at
 * most for the rest of the turn's work.
 */
export function endAtTurnEnd(res: ServerResponse, body: string | Buffer): void {
  pending.push({ res, body });
  if (scheduled) return;
  scheduled = true;
  setImmediate(writePending);
}

function writePending(): void {
  scheduled = false;
  for (const { res, body } of pending.splice(0)) {
    // One answer that cannot be written must not keep the rest of the batch from theirs.
    try {
      res.end(body);
    } catch (error) {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
