import type { Socket } from 'node:net';

/**
 * Closes the connection after the response without losing it. Closing a socket while the
 * client is still sending a body we refused makes the kernel answer with a reset, and the
 * client drops the response it had not read yet (a 413 never arrives). Instead: send the
 * response, signal the end of our side, read and drop what still comes for a moment, and
 * only then close.
 */
export function closeAfterResponse(socket: Socket, lingerMs = 2_000): void {
  // Node's HTTP server calls destroySoon once a `Connection: close` response is written.
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
