/**
 * The sandbox's web view in a real browser: Debian's Chromium driven by playwright-core, headless.
 * An outage is set from the page, the demo's mailer sends, the failover shows up live in the
 * timeline, and the message HTML renders without running script or loading anything remote
 * (docs/sandbox-view.md). Screenshots go to .test-results/sandbox-view/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mailer } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailer } from '../demo-mailer.js';

const CHROMIUM = '/usr/bin/chromium';
const unavailable = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (Debian package "chromium"; .ci/run installs it)`;
if (unavailable) console.log(`sandbox web view in Chromium SKIPPED: ${unavailable}`);

const ARTIFACTS = fileURLToPath(new URL('../../../.test-results/sandbox-view/', import.meta.url));
/** Generous: the machine may be loaded; nothing here waits a fixed time. */
const WAIT = { timeout: 30_000 };

describe.skipIf(unavailable !== undefined)('the sandbox web view, in Chromium', () => {
  let sandbox: Sandbox;
  let mailer: Mailer;
  let app: Server;
  let appUrl: string;
  let remoteLoads = 0;
  let webhookPosts = 0;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // The app's webhook endpoint, and a "remote" image host the message HTML must never reach.
    app = createServer((request, response) => {
      if (request.url?.startsWith('/track')) remoteLoads += 1;
      else webhookPosts += 1;
      request.resume();
      request.on('end', () => response.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    sandbox = await startSandbox({
      webhooks: {
        urls: {
          sendgrid: `${appUrl}/webhooks/sendgrid`,
          ses: `${appUrl}/webhooks/ses`,
          mailgun: `${appUrl}/webhooks/mailgun`,
          postmark: `${appUrl}/webhooks/postmark`,
        },
      },
    });
    mailer = demoMailer(sandbox);
    mkdirSync(ARTIFACTS, { recursive: true });
    // launch() gives the browser a fresh, temporary user-data-dir of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    await page.goto(sandbox.url);
    await page
      .getByRole('status')
      .filter({ hasText: /^live$/ })
      .waitFor(WAIT);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await mailer?.close();
    await sandbox?.close();
    await new Promise((resolve) => app?.close(resolve));
  });

  it('an outage set from the page makes the next send fail over, and the timeline shows it live', async () => {
    const sendgridFaults = page.getByRole('group', { name: 'sendgrid' });
    await sendgridFaults.getByLabel('Fault').selectOption('outage');
    await sendgridFaults.getByRole('button', { name: 'Set fault' }).click();
    await sendgridFaults
      .locator('p')
      .filter({ hasText: /^outage \(503\)/ })
      .waitFor(WAIT);
    expect(sandbox.faults.describe('sendgrid').standing).toEqual({ kind: 'outage' });

    const result = await mailer.send({
      from: 'Shop <shop@example.test>',
      // Eve's university greylists, and the provider retries from a new IP each time: a loop.
      to: ['ada@example.org', 'greylist-eve@uni.example'],
      subject: 'Order #1001 confirmed',
      text: 'Thanks for your order, Ada.',
      html: [
        '<h1>Thanks, Ada</h1><p>Your order ships today.</p>',
        '<script>parent.document.title = "script ran"; window.top.document.body.dataset.pwned = "1"</script>',
        `<img src="x" onerror="parent.document.title = 'handler ran'">`,
        `<img src="${appUrl}/track.png" alt="tracker">`,
      ].join(''),
      attachments: [{ filename: 'receipt.txt', content: 'receipt 1001' }],
    });
    expect(result.provider).toBe('ses');

    // No reload: the row arrives over the event stream.
    await page.getByRole('button', { name: /Open “Order #1001 confirmed”/ }).click();
    const timeline = page.getByRole('list', { name: /Timeline/ });
    await timeline.getByText('failover sendgrid → ses').waitFor(WAIT);
    await expect(timeline.getByText(/→ 503 outage/).count()).resolves.toBeGreaterThan(0);
    await timeline.getByText('ses accepted a copy').waitFor(WAIT);
    // The provider's delivery webhook, signed and POSTed to the app, with the app's answer.
    await timeline
      .getByRole('listitem')
      .filter({ hasText: 'delivered ada@example.org (attempt 1, from 127.1.0.10)' })
      .getByText(/signed webhook POSTed to .*\/webhooks\/ses → 200/)
      .waitFor(WAIT);
    // Deferrals with their SMTP reply classified, and the loop the rules of docs/greylisting.md see.
    await timeline
      .getByText(/classified greylisting/)
      .first()
      .waitFor(WAIT);
    await timeline.getByText('greylisting loop for greylist-eve@uni.example at ses').waitFor(WAIT);
    expect(webhookPosts).toBeGreaterThan(0);
    await page.getByRole('cell', { name: 'deferred' }).first().waitFor(WAIT);
    await page.screenshot({ path: join(ARTIFACTS, 'timeline.png'), fullPage: true });
  }, 60_000);

  it('renders the HTML part in a sandbox: the body shows, no script runs, nothing remote loads', async () => {
    await page.getByRole('tab', { name: 'HTML' }).click();
    const frame = page.frameLocator('#html-frame');
    await frame.getByRole('heading', { name: 'Thanks, Ada' }).waitFor(WAIT);
    await frame.getByText('Your order ships today.').waitFor(WAIT);
    const html = page.frames().find((candidate) => candidate.url().endsWith('/html'));
    expect(html).toBeDefined();
    await html!.waitForLoadState('load');
    expect(await page.title()).toBe('mailover sandbox');
    expect(await page.locator('body').getAttribute('data-pwned')).toBeNull();
    expect(remoteLoads).toBe(0);
    expect(await page.locator('#html-frame').getAttribute('sandbox')).toBe('');
    await page.screenshot({ path: join(ARTIFACTS, 'html.png'), fullPage: true });

    // Keyboard: arrows move between tabs; the text part and the attachment download follow.
    await page.getByRole('tab', { name: 'HTML' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Text' }).getAttribute('aria-selected')).resolves.toBe('true');
    // The focus is on the new tab, and visible.
    // (A string: this file is typed for Node, without the DOM library.)
    const focused = await page.evaluate(
      '({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle })',
    );
    expect(focused).toEqual({ text: 'Text', outline: 'solid' });
    await page.getByRole('tabpanel', { name: 'Text' }).getByText('Thanks for your order, Ada.').waitFor(WAIT);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const download = page.waitForEvent('download', WAIT);
    await page.getByRole('link', { name: 'receipt.txt' }).click();
    const file = await (await download).path();
    expect(readFileSync(file, 'utf8')).toBe('receipt 1001');
  }, 60_000);

  it('filters by provider and status, and clears the fault from the page', async () => {
    await page.getByLabel('Provider', { exact: true }).selectOption('sendgrid');
    await page.getByText('0 of 1').waitFor(WAIT);
    await page.getByLabel('Provider', { exact: true }).selectOption('ses');
    await page.getByLabel('Status', { exact: true }).selectOption('deferred');
    await page.getByText('1 of 1').waitFor(WAIT);
    await page.getByLabel('Search', { exact: true }).fill('nothing like this');
    await page.getByText('0 of 1').waitFor(WAIT);
    await page.getByLabel('Search', { exact: true }).fill('');

    const sendgridFaults = page.getByRole('group', { name: 'sendgrid' });
    await sendgridFaults.getByRole('button', { name: 'Clear' }).click();
    await sendgridFaults
      .locator('p')
      .filter({ hasText: /^healthy/ })
      .waitFor(WAIT);
    expect(sandbox.faults.describe('sendgrid').standing).toBeUndefined();
    // A fresh mailer: the first one's breaker opened on SendGrid's 503s.
    const fresh = demoMailer(sandbox);
    const again = await fresh.send({
      from: 'shop@example.test',
      to: 'grace@example.org',
      subject: 'Order #1002 confirmed',
      text: 'Thanks.',
    });
    await fresh.close();
    expect(again.provider).toBe('sendgrid');
  }, 60_000);
});
