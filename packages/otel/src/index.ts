export { type InstrumentOptions, instrument, type Uninstrument } from './instrument.js';
export {
  type LogLevel,
  type LogOptions,
  type LogRecord,
  logEvents,
  logRecord,
  MAILER_EVENT_NAMES,
  type StructuredLogger,
} from './logs.js';
export { ATTRIBUTE, INSTRUMENTATION_SCOPE, METRIC, SPAN, SPAN_EVENT } from './names.js';
