import { classifySmtpReply } from '@mailover/core';
import { doctor } from './doctor.js';

/** The help text `mailover help` prints. */
export const USAGE = `Usage:
  mailover explain "<smtp reply>" [--json]   what a reply means and what to do
  mailover sandbox [--port N] [--json]       start the local provider sandbox
  mailover doctor <domain> [--json] [--resolver host:port] [--providers sendgrid,ses,mailgun,postmark,smtp]
                  [--dkim provider=selector,…] [--return-path provider=domain] [--sending-domain mg.domain]
                                             can each provider send as <domain>? (exit 1 on a failure)

Examples:
  mailover explain "450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted"
  mailover sandbox --port 8025
  mailover doctor example.com --providers sendgrid,ses --dkim ses=token1,token2,token3`;

/** Where the command writes: `console.log` / `console.error` in the `mailover` binary. */
export interface Output {
  /** Results and help asked for. */
  out(text: string): void;
  /** Usage errors and failures. */
  err(text: string): void;
}

/**
 * The `mailover` command. Resolves to the exit code (0 ok, 1 `doctor` found a failure, 2 bad usage).
 * `env` supplies provider credentials to `doctor` (default: `process.env`).
 */
export async function main(
  argv: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((argument) => argument !== '--json');
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? output.err : output.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'explain') return explain(rest, json, output);
  if (command === 'doctor') return doctor(rest, json, output, env);
  if (command === 'sandbox') {
    const { main: sandboxMain } = await import('@mailover/sandbox/cli');
    try {
      await sandboxMain(json ? [...rest, '--json'] : rest);
      return 0;
    } catch (error) {
      output.err(error instanceof Error ? error.message : String(error));
      return 2;
    }
  }
  output.err(`mailover: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

function explain(rest: readonly string[], json: boolean, output: Output): number {
  const reply = rest.join(' ').trim();
  if (reply === '') {
    output.err(`mailover explain: give the SMTP reply to explain, in quotes\n\n${USAGE}`);
    return 2;
  }
  if (reply.length > 10_000) {
    output.err('mailover explain: that reply is over 10 000 characters; paste only the server reply');
    return 2;
  }
  const result = classifySmtpReply(reply);
  if (json) {
    output.out(JSON.stringify(result));
    return 0;
  }
  const code = [result.basic || undefined, result.enhanced].filter(Boolean).join(' ') || '(no code)';
  output.out(
    [
      `reply:     ${result.text || reply}`,
      `code:      ${code}`,
      `category:  ${result.category}`,
      `retry:     ${result.transient ? 'yes — a temporary failure; retrying later can succeed' : 'no — a permanent failure; retrying will not help'}`,
      '',
      `what it means: ${result.explanation}`,
      `what to do:    ${result.advice}`,
    ].join('\n'),
  );
  return 0;
}
