import { startSandbox } from './server.js';

const USAGE = `Usage: mailover-sandbox [--port N] [--host 127.0.0.1] [--json]

Starts local stand-ins for the SendGrid, SES, Mailgun, Postmark and Resend APIs and prints
their endpoints, the credentials they accept and the web view's address (messages,
timelines across providers, faults at a click). Ctrl-C stops it.`;

/** The `mailover-sandbox` command. */
export async function main(argv: readonly string[]): Promise<void> {
  let port = 0;
  let host = '127.0.0.1';
  let json = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--json') json = true;
    else if (argument === '--port') port = Number(argv[++index]);
    else if (argument === '--host') host = String(argv[++index]);
    else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      return;
    } else throw new Error(`Unknown argument ${argument}\n\n${USAGE}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535\n\n${USAGE}`);
  if (!/^127\.|^localhost$|^::1$/.test(host)) throw new Error('--host must be a loopback address');
  const sandbox = await startSandbox({ port, host });
  if (json)
    console.log(
      JSON.stringify({
        url: sandbox.url,
        view: `${sandbox.url}/`,
        endpoints: sandbox.endpoints,
        credentials: sandbox.credentials,
      }),
    );
  else {
    console.log(`mailover sandbox listening on ${sandbox.url}\n`);
    console.log(`  web view  ${sandbox.url}/   (messages, timelines, faults at a click)\n`);
    for (const [kind, endpoint] of Object.entries(sandbox.endpoints))
      console.log(`  ${kind.padEnd(9)} ${endpoint}`);
    console.log(`\ncredentials:\n${JSON.stringify(sandbox.credentials, null, 2)}`);
    console.log(`\naccepted messages: GET ${sandbox.url}/_sandbox/messages`);
    console.log(
      `faults over HTTP:  PUT ${sandbox.url}/_sandbox/faults/<provider> {"kind":"outage"} (docs/sandbox-view.md)`,
    );
  }
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
