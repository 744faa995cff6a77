// Run in a fresh node process by send.test.ts: counts @sendgrid modules in the CommonJS cache
// after importing the adapter, after constructing it, and after one real send.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sendgridModules = () => Object.keys(require.cache).filter((path) => path.includes('@sendgrid')).length;
const [endpoint, apiKey] = process.argv.slice(2);

const { sendgrid } = await import('@mailover/sendgrid');
const afterImport = sendgridModules();
const provider = sendgrid({ endpoint, apiKey });
const afterConstruct = sendgridModules();
await provider.send(
  {
    id: 'mo_probe',
    messageId: '<mo_probe@example.test>',
    from: { address: 'sender@example.com' },
    to: [{ address: 'rcpt@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'probe',
    text: 'probe',
    attachments: [],
    headers: {},
    tags: [],
    metadata: {},
    sizeBytes: 10,
  },
  { signal: new AbortController().signal, attempt: 1, idempotencyKey: 'probe' },
);
console.log(JSON.stringify({ afterImport, afterConstruct, afterSendLoaded: sendgridModules() > 0 }));
