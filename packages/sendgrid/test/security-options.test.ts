/** Issue #12: SendGrid options that failed open or failed late. */
import { configurationErrorOf } from '@mailover/core/testing';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { WebhookRequest } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, sendgrid } from '../src/index.js';

const configurationError = (build: () => unknown) => configurationErrorOf(build).message;

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const webhookPublicKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

function signed(timestamp: string): WebhookRequest {
  const body = Buffer.from(JSON.stringify([{ event: 'delivered', email: 'a@b.org', timestamp: 1 }]));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), privateKey).toString(
    'base64',
  );
  return {
    method: 'POST',
    url: 'https://hooks.example.test/sendgrid',
    headers: new Headers({
      'content-type': 'application/json',
      [SENDGRID_SIGNATURE_HEADER]: signature,
      [SENDGRID_TIMESTAMP_HEADER]: timestamp,
    }),
    body: new Uint8Array(body),
  };
}

describe('sendgrid: options that must not fail open', () => {
  it('a NaN, infinite or negative tolerance is a configuration error (NaN accepted a 2020 signature)', async () => {
    for (const webhookToleranceSeconds of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(configurationError(() => sendgrid({ webhookPublicKey, webhookToleranceSeconds }))).toMatch(
        /webhookToleranceSeconds/,
      );
    }
    const webhooks = sendgrid({ webhookPublicKey }).webhooks!;
    const context = { now: () => Date.now(), rememberOnce: async () => true };
    expect(await webhooks.verify(signed('1580000000'), context)).toMatchObject({ status: 401 });
    expect(await webhooks.verify(signed(String(Math.floor(Date.now() / 1000))), context)).toBeNull();
  });

  it('a blank or unreadable public key fails when the provider is built, naming the option', () => {
    for (const key of ['', ' ', 'not a key']) {
      expect(configurationError(() => sendgrid({ webhookPublicKey: key }))).toMatch(/webhookPublicKey/);
    }
  });

  it('timeouts and limits must be usable numbers', () => {
    for (const timeoutMs of [Number.NaN, 0, -1, Number.POSITIVE_INFINITY]) {
      expect(configurationError(() => sendgrid({ timeoutMs }))).toMatch(/timeoutMs/);
    }
    expect(configurationError(() => sendgrid({ limits: { maxRecipients: -3 } }))).toMatch(
      /limits\.maxRecipients/,
    );
  });
});
