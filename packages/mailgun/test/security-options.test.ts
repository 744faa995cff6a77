/**
 * Issue #12: options that failed open, and a replay by moving the timestamp/token boundary.
 * Mailgun signs HMAC-SHA256(timestamp + token) with no separator, so the same signature covers
 * every split of the same string.
 */
import { configurationErrorOf } from '@mailover/core/testing';
import { createHmac } from 'node:crypto';
import type { WebhookContext, WebhookRequest } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { mailgun, verifyMailgunWebhook } from '../src/index.js';

const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const NOW = 1_700_000_100_000;

function signedRequest(timestamp: string, token: string, key = KEY): WebhookRequest {
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  const body = {
    signature: { timestamp, token, signature },
    'event-data': { event: 'delivered', recipient: 'ada@example.org', timestamp: 1_700_000_000 },
  };
  return {
    method: 'POST',
    url: 'https://hooks.example.test/mailgun',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: new TextEncoder().encode(JSON.stringify(body)),
  };
}

/** A context whose replay memory is real: each key is accepted once. */
function memoryContext(): WebhookContext {
  const seen = new Set<string>();
  return {
    now: () => NOW,
    rememberOnce: async (key) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  };
}

const configurationError = (build: () => unknown) => configurationErrorOf(build).message;

describe('mailgun: the timestamp is digits only', () => {
  it('refuses a replay that moves the timestamp/token boundary ("1700000000e0")', async () => {
    const webhooks = mailgun({ webhookSigningKey: KEY }).webhooks!;
    const context = memoryContext();
    const token = 'e0f1c2b3a4958677a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0';
    expect(await webhooks.verify(signedRequest('1700000000', token), context)).toBeNull();
    expect(await webhooks.verify(signedRequest('1700000000', token), context)).toMatchObject({
      status: 401,
    });
    // Same signed string, split elsewhere: Number('1700000000e0') is the same time, the token is new.
    const moved = signedRequest('1700000000e0', token.slice(2));
    expect(await webhooks.verify(moved, context)).toMatchObject({ status: 401 });
  });

  it('refuses any timestamp spelling other than plain digits, even correctly signed', async () => {
    for (const timestamp of [' 1700000000', '1700000000 ', '0x6553f100', '1.7e9', '+1700000000', '']) {
      const rejection = await verifyMailgunWebhook(
        signedRequest(timestamp, `token-${timestamp}`),
        memoryContext(),
        KEY,
      );
      expect(rejection, timestamp).toMatchObject({ status: 401 });
    }
  });
});

describe('mailgun: options that must not fail open', () => {
  it('a blank signing key is a configuration error, never a key anyone can sign with', async () => {
    for (const webhookSigningKey of ['', ' ', '\t']) {
      expect(configurationError(() => mailgun({ webhookSigningKey }))).toMatch(/webhookSigningKey/);
      await expect(
        verifyMailgunWebhook(
          signedRequest('1700000000', 'tok', webhookSigningKey),
          memoryContext(),
          webhookSigningKey,
        ),
      ).rejects.toThrow(/webhookSigningKey/);
    }
  });

  it('a NaN, infinite or negative tolerance is a configuration error (NaN accepted a 2020 signature)', async () => {
    for (const webhookToleranceSeconds of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(configurationError(() => mailgun({ webhookSigningKey: KEY, webhookToleranceSeconds }))).toMatch(
        /webhookToleranceSeconds/,
      );
    }
    await expect(
      verifyMailgunWebhook(signedRequest('1580000000', 'old-token'), memoryContext(), KEY, Number.NaN),
    ).rejects.toThrow(/webhookToleranceSeconds/);
  });

  it('timeouts and limits must be usable numbers', () => {
    for (const timeoutMs of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) {
      expect(configurationError(() => mailgun({ timeoutMs }))).toMatch(/timeoutMs/);
    }
    expect(configurationError(() => mailgun({ limits: { maxMessageBytes: Number.NaN } }))).toMatch(
      /limits\.maxMessageBytes/,
    );
  });
});
