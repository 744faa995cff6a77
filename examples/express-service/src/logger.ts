/** Structured logs: one JSON object per line, so any log shipper can index them without parsing text. */

export type LogLevel = 'info' | 'warn' | 'error';

/** One log line. `event` says what happened; the other fields are its facts (never secrets or bodies). */
export interface LogRecord {
  readonly level: LogLevel;
  readonly event: string;
  readonly [field: string]: unknown;
}

export type Logger = (record: LogRecord) => void;

/** A logger that writes each record as one JSON line with an ISO time. Default output: stdout. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (record) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  };
}
