/**
 * A process the queue proof tests start (and SIGKILL): `node --import tsx --conditions=mailover-source
 * worker.ts`, configured by MAILOVER_PROOF (JSON: a MailerConfig and a mode).
 * - `work`: run the queue's worker until killed (or SIGTERM: close, handing jobs back);
 * - `send`: send MAILOVER_PROOF.message once and print the SendResult as one JSON line.
 * Prints `ready` once the mailer is built.
 */
import type { MessageInput } from '@mailover/core';
import { buildMailer, type MailerConfig } from './backend.js';

const config = JSON.parse(process.env.MAILOVER_PROOF ?? '{}') as MailerConfig & {
  readonly mode: 'work' | 'send';
  readonly message?: MessageInput;
};
const mailer = buildMailer(config);
process.on('SIGTERM', () => {
  mailer.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
if (config.mode === 'send') {
  process.stdout.write('ready\n');
  mailer.send(config.message!).then(
    async (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      await mailer.close();
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  process.stdout.write('ready\n');
}
