/**
 * Entry point: `npx -y pnpm@10 --filter @mailover/example-express-service start`. Starts the
 * service (against the sandbox when no provider keys are set) and shuts it down gracefully on
 * SIGTERM or SIGINT; a second signal exits at once.
 */
import { jsonLogger } from './logger.js';
import { startService } from './service.js';

const logger = jsonLogger();
try {
  const service = await startService({ logger });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger({ level: 'info', event: 'signal', signal });
    service.shutdown().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger({ level: 'error', event: 'shutdown-failed', error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  logger({
    level: 'error',
    event: 'startup-failed',
    error: error instanceof Error ? error.message : String(error),
  });
  process.exitCode = 1;
}
