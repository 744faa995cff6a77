// One cold start, in a fresh process (plain Node on the built dist: no TypeScript loader in the way).
// Prints one JSON line: milliseconds to import (and build), heap and RSS growth, and, with
// `--modules`, which packages got loaded. Plain JavaScript on purpose: tsx would add its own start-up.
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const scenario = process.argv[2];
const listModules = process.argv.includes('--modules');
const resolved = new Set();
let port;
if (listModules) {
  const channel = new MessageChannel();
  port = channel.port1;
  port.on('message', (url) => resolved.add(url));
  port.unref();
  register('./module-hook.mjs', import.meta.url, {
    data: { port: channel.port2 },
    transferList: [channel.port2],
  });
}

const require = createRequire(import.meta.url);
// `core-own`: zod is already loaded, so the time is core's own modules alone.
if (scenario === 'core-own') await import('zod/mini');
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const started = performance.now();

const credentials = {
  sendgrid: { apiKey: 'SG.startup' },
  ses: {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIASTARTUP', secretAccessKey: 'startup-secret' },
  },
  mailgun: { apiKey: 'key-startup', domain: 'mg.example.com' },
  postmark: { serverToken: 'startup-token' },
};

switch (scenario) {
  case 'node':
    break;
  case 'zod':
    await import('zod');
    break;
  case 'zod-mini':
    await import('zod/mini');
    break;
  case 'core':
  case 'core-own':
    await import('@mailover/core');
    break;
  case 'mailer': {
    const [{ createMailer }, { sendgrid }, { ses }, { mailgun }, { postmark }] = await Promise.all([
      import('@mailover/core'),
      import('@mailover/sendgrid'),
      import('@mailover/ses'),
      import('@mailover/mailgun'),
      import('@mailover/postmark'),
    ]);
    createMailer({
      providers: [
        sendgrid(credentials.sendgrid),
        ses(credentials.ses),
        mailgun(credentials.mailgun),
        postmark(credentials.postmark),
      ],
    });
    break;
  }
  case 'sdks':
    await Promise.all([
      import('@sendgrid/mail'),
      import('@aws-sdk/client-sesv2'),
      import('mailgun.js'),
      import('postmark'),
    ]);
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}

const milliseconds = performance.now() - started;
globalThis.gc?.();
const result = {
  scenario,
  milliseconds,
  heapBytes: process.memoryUsage().heapUsed - heapBefore,
  rssBytes: process.memoryUsage().rss - rssBefore,
};
if (listModules) {
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the hook's last messages arrive
  const files = [...resolved, ...Object.keys(require.cache).map((path) => `file://${path}`)];
  result.packages = [...new Set(files.map(packageOf).filter((name) => name !== undefined))].sort();
}
process.stdout.write(`${JSON.stringify(result)}\n`);

/** The npm package a module URL belongs to (`zod`, `@aws-sdk/client-sesv2`), or the workspace one. */
function packageOf(url) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (match) return match[1];
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  return workspace ? `@mailover/${workspace[1]}` : undefined;
}
