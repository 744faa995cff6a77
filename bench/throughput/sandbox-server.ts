/**
 * Child-process entry: a sandbox on loopback whose CPU never counts against the client being measured.
 * Prints one JSON line with its endpoints and credentials, then serves until stdin closes.
 */
import { startSandbox } from '@mailover/sandbox';

const sandbox = await startSandbox();
// The sandbox keeps every accepted message; a benchmark sends hundreds of thousands.
const trim = setInterval(() => {
  if (sandbox.messages.length > 2_000) sandbox.reset();
}, 250);
process.stdout.write(
  `${JSON.stringify({ url: sandbox.url, endpoints: sandbox.endpoints, credentials: sandbox.credentials })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(trim);
  void sandbox.close().then(() => process.exit(0));
});
