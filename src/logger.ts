import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** JSON logs to stdout (or `destination`); `component` tells which part of the service spoke. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: { write(line: string): void }): Logger {
  const options = {
    level,
    base: { service: 'events-subgraph', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
