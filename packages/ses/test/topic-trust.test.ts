/**
 * Issue #12: an SNS signature proves that SNS sent a message, not that it came from your topic.
 * Anyone can create a topic in their own AWS account, subscribe your endpoint and publish
 * SES-shaped events that verify. These tests sign with the same (sandbox) SNS certificate for a
 * topic that is not ours, as SNS would for an attacker's topic.
 */
import type { WebhookContext, WebhookRequest } from '@mailover/core';
import { configurationErrorOf } from '@mailover/core/testing';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SesWebhookOptions, ses } from '../src/index.js';
import { sampleMessage, sandboxProvider, sendContext } from './helpers.js';
import { type Built, builders, type SesWebhookKeys } from './sandbox-webhooks.js';

const ATTACKER_TOPIC = 'arn:aws:sns:us-east-1:999999999999:not-yours';
const context = (now: number): WebhookContext => ({ now: () => now, rememberOnce: async () => true });
const asRequest = (built: Built): WebhookRequest => ({
  method: 'POST',
  url: 'https://hooks.example.test/ses',
  headers: new Headers(built.headers),
  body: new Uint8Array(built.body),
});

let sandbox: Sandbox;
let keys: SesWebhookKeys;
let attacker: SesWebhookKeys;
let base: SesWebhookOptions;
beforeAll(async () => {
  sandbox = await startSandbox();
  keys = builders.generateSesWebhookKeys();
  // Same SNS certificate, another account's topic: exactly what SNS signs for anyone.
  attacker = { ...keys, topicArn: ATTACKER_TOPIC };
  base = { fetchCertificate: async () => keys.certificatePem };
});
afterAll(() => sandbox.close());

const configurationError = configurationErrorOf;

describe('ses webhooks: only your topics', () => {
  it('refuses to build SNS webhooks with no topic allow-list, confirming or not', () => {
    const confirmSubscription = async () => undefined;
    expect(configurationError(() => ses({ webhook: base })).message).toMatch(/webhook\.topicArns/);
    expect(configurationError(() => ses({ webhook: { ...base, confirmSubscription } })).message).toMatch(
      /webhook\.topicArns/,
    );
    expect(
      configurationError(() =>
        ses({
          webhook: { ...base, confirmSubscription, eventBridge: { header: 'x-s', secret: 'long-secret' } },
        }),
      ).message,
    ).toMatch(/webhook\.topicArns/);
    expect(configurationError(() => ses({ webhook: { ...base, topicArns: [] } })).message).toMatch(
      /webhook\.topicArns/,
    );
    expect(configurationError(() => ses({ webhook: { ...base, topicArns: ['  '] } })).message).toMatch(
      /webhook\.topicArns\[0\]/,
    );
  });

  it("never confirms another account's subscription", async () => {
    const confirmed: string[] = [];
    const webhooks = ses({
      webhook: {
        ...base,
        topicArns: [keys.topicArn],
        confirmSubscription: async (url) => void confirmed.push(url),
      },
    }).webhooks!;
    const now = Date.now();
    const foreign = builders.buildSesSubscriptionConfirmation(attacker, now);
    expect(await webhooks.verify(asRequest(foreign), context(now))).toMatchObject({ status: 403 });
    expect(confirmed).toEqual([]);
    const ours = builders.buildSesSubscriptionConfirmation(keys, now);
    expect(await webhooks.verify(asRequest(ours), context(now))).toBeNull();
    expect(confirmed).toHaveLength(1);
  });

  it("refuses a verified SES event published on another account's topic", async () => {
    sandbox.reset();
    const message = sampleMessage({ id: 'mo-topic-trust' });
    await sandboxProvider(sandbox).send(message, sendContext());
    const now = Date.now();
    const spec = {
      type: 'delivered' as const,
      message: sandbox.messages[0]!,
      recipient: 'x@example.org',
      time: now,
    };
    const forged = builders.buildSesWebhook([spec], attacker, { now });
    const webhooks = ses({ webhook: { ...base, topicArns: [keys.topicArn] } }).webhooks!;
    expect(await webhooks.verify(asRequest(forged), context(now))).toMatchObject({ status: 403 });
    // EventBridge-only: SNS is refused outright.
    const eventBridgeOnly = ses({
      webhook: { ...base, eventBridge: { header: 'x-s', secret: 'long-secret' } },
    }).webhooks!;
    expect(await eventBridgeOnly.verify(asRequest(forged), context(now))).toMatchObject({ status: 403 });
  });

  it('accepts any topic only through the loudly named opt-out', async () => {
    const webhooks = ses({ webhook: { ...base, allowAnyTopic: true } }).webhooks!;
    const now = Date.now();
    expect(
      await webhooks.verify(
        asRequest(builders.buildSesSubscriptionConfirmation(attacker, now)),
        context(now),
      ),
    ).toBeNull();
    expect(
      configurationError(() => ses({ webhook: { ...base, allowAnyTopic: true, topicArns: [keys.topicArn] } }))
        .message,
    ).toMatch(/allowAnyTopic/);
  });
});

describe('ses webhooks: options that must not fail open', () => {
  it('an EventBridge secret or header that is blank is a configuration error, never "no header needed"', () => {
    const topicArns = ['arn:aws:sns:us-east-1:123456789012:ses'];
    for (const secret of ['', ' ', '\t\n']) {
      expect(
        configurationError(() => ses({ webhook: { topicArns, eventBridge: { header: 'x-secret', secret } } }))
          .message,
      ).toMatch(/webhook\.eventBridge\.secret/);
    }
    expect(
      configurationError(() =>
        ses({ webhook: { topicArns, eventBridge: { header: '', secret: 'long-secret' } } }),
      ).message,
    ).toMatch(/webhook\.eventBridge\.header/);
    expect(
      configurationError(() =>
        ses({ webhook: { topicArns, eventBridge: { header: 'x', secret: undefined as unknown as string } } }),
      ).message,
    ).toMatch(/webhook\.eventBridge\.secret/);
  });

  it('a NaN, infinite or negative maximum age is a configuration error (NaN accepted a year-old message)', async () => {
    for (const maxAgeMs of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(
        configurationError(() => ses({ webhook: { ...base, topicArns: [keys.topicArn], maxAgeMs } })).message,
      ).toMatch(/webhook\.maxAgeMs/);
    }
    for (const timeoutMs of [Number.NaN, 0, -5, Number.POSITIVE_INFINITY]) {
      expect(configurationError(() => ses({ timeoutMs })).message).toMatch(/timeoutMs/);
    }
  });
});
