import { classifySmtpReply, type SmtpReplyClassification } from '@mailover/core';
import { doctor } from './doctor.js';

/** The help text `mailover help` prints. */
export const USAGE = `Usage:
  mailover explain "<smtp reply>" [--json]   what a reply means and what to do
  mailover sandbox [--port N] [--json]       start the local provider sandbox and its web view
  mailover doctor <domain> [--json] [--resolver host:port] [--providers sendgrid,ses,mailgun,postmark,smtp]
                  [--dkim provider=selector,…] [--return-path provider=domain] [--sending-domain mg.domain]
                                             can each provider send as <domain>? (exit 1 on a failure)
  mailover suppressions <command> --store <url>   the suppression list of a running store (see: mailover suppressions help)

Examples:
  mailover explain "450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted"
  mailover explain "451 4.7.1 Greylisted, please try again in 300 seconds" --json
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
  if (command === 'suppressions') {
    const { suppressionsCommand } = await import('./suppressions.js');
    return suppressionsCommand(rest, json, output);
  }
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

function retryLine(result: SmtpReplyClassification): string {
  if (result.category === 'accepted') return 'no — the reply is a success: the server accepted it';
  return result.transient
    ? 'yes — a temporary failure; retrying later can succeed'
    : 'no — a permanent failure; retrying will not help';
}

// 300000 → "5 minutes", 90000 → "90 seconds", 7200000 → "2 hours".
function duration(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  const [amount, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, 'hour']
      : seconds % 60 === 0
        ? [seconds / 60, 'minute']
        : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

function explain(rest: readonly string[], json: boolean, output: Output): number {
  const reply = rest.join(' ').trim();
  if (reply === '') {
    output.err(`mailover explain: give the SMTP reply to explain, in quotes\n\n${USAGE}`);
    return 2;
  }
  // classifySmtpReply reads the first 2 000 characters (docs/smtp-classifier.md): say so rather
  // than explain a cut reply.
  if (reply.length > 2_000) {
    output.err('mailover explain: that reply is over 2 000 characters; paste only the server reply');
    return 2;
  }
  const result = classifySmtpReply(reply);
  if (json) {
    output.out(JSON.stringify(result));
    return 0;
  }
  const code = [result.basic || undefined, result.enhanced].filter(Boolean).join(' ') || '(no code)';
  const lines = [
    `reply:     ${result.text || reply}`,
    `code:      ${code}`,
    `category:  ${result.category}`,
    `retry:     ${retryLine(result)}`,
  ];
  if (result.retryAfterMs !== undefined)
    lines.push(`wait:      ${duration(result.retryAfterMs)}, as the server asks`);
  if (result.system !== undefined) lines.push(`system:    ${result.system}`);
  if (result.blocklist !== undefined) lines.push(`blocklist: ${result.blocklist}`);
  lines.push('', `what it means: ${result.explanation}`, `what to do:    ${result.advice}`);
  output.out(lines.join('\n'));
  return 0;
}
