// The engine alone, per send: a mailer nobody listens to, with `@mailover/core/testing`'s mock
// provider (no SDK, no HTTP), from the built core of the checkout given as the argument. Run it
// alternately on two checkouts (bench/README.md, "Overhead of @mailover/otel") to compare them:
//   node bench/overhead/engine-only.mjs /path/to/checkout
// Prints the median client CPU per send (µs) of 20 blocks of 2 000 sends, after 20 000 warm-up sends.
const root = process.argv[2] ?? '.';
const { createMailer } = await import(`${root}/packages/core/dist/index.js`);
const { mockProvider } = await import(`${root}/packages/core/dist/testing/index.js`);
const mailer = createMailer({ providers: [mockProvider({ id: 'mock' })] });
let sent = 0;
const message = () => ({
  from: 'shop@example.com',
  to: `customer${sent++}@example.org`,
  subject: 'S',
  text: 'T',
});
for (let index = 0; index < 20_000; index++) await mailer.send(message());
const samples = [];
for (let block = 0; block < 20; block++) {
  const start = process.cpuUsage();
  for (let index = 0; index < 2_000; index++) await mailer.send(message());
  const used = process.cpuUsage(start);
  samples.push((used.user + used.system) / 2_000);
}
samples.sort((a, b) => a - b);
console.log(JSON.stringify({ checkout: root, microsPerSend: samples[10] }));
process.exit(0);
