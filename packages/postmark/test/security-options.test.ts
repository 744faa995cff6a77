/**
 * Issue #12: Postmark signs nothing, so its webhook credentials are the whole check. Credentials
 * built from unset variables (`undefined:undefined`, blanks) were accepted, and then anyone who
 * sent those words was let in.
 */
import { configurationErrorOf } from '@mailover/core/testing';
import type { WebhookRequest } from '@mailover/core';
import { describe, expect, it } from 'vitest';
import { type PostmarkWebhookAuth, postmark } from '../src/index.js';

const configurationError = (build: () => unknown) => configurationErrorOf(build).message;

const env: Record<string, string | undefined> = {};

describe('postmark: webhook credentials must be real', () => {
  it('refuses Basic credentials built from unset variables or blanks, naming the part', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ username: env.UNSET_USER, password: env.UNSET_PASSWORD }, /webhookAuth\.username/],
      [{ username: 'hooks', password: env.UNSET_PASSWORD }, /webhookAuth\.password/],
      [{ username: ' ', password: 'long-password' }, /webhookAuth\.username/],
      [{ username: 'hooks', password: '  ' }, /webhookAuth\.password/],
      [{ username: 'a:b', password: 'long-password' }, /webhookAuth\.username/],
      [{ header: 'x-postmark-secret', value: env.UNSET_SECRET }, /webhookAuth\.value/],
      [{ header: 'x-postmark-secret', value: ' ' }, /webhookAuth\.value/],
      [{ header: '', value: 'long-secret' }, /webhookAuth\.header/],
      [{ header: 'bad header', value: 'long-secret' }, /webhookAuth\.header/],
    ];
    for (const [webhookAuth, option] of cases) {
      expect(configurationError(() => postmark({ webhookAuth: webhookAuth as PostmarkWebhookAuth }))).toMatch(
        option,
      );
    }
    expect(
      configurationError(() =>
        postmark({
          webhookAuth: [
            { username: 'hooks', password: 'long-password' },
            { header: 'x-secret', value: '' },
          ],
        }),
      ),
    ).toMatch(/webhookAuth\[1\]\.value/);
  });

  it('real credentials still verify, compared as digests', async () => {
    const webhooks = postmark({ webhookAuth: { username: 'hooks', password: 'long-password' } }).webhooks!;
    const request = (authorization: string): WebhookRequest => ({
      method: 'POST',
      url: 'https://hooks.example.test/postmark',
      headers: new Headers({ authorization, 'content-type': 'application/json' }),
      body: new TextEncoder().encode(
        JSON.stringify({
          RecordType: 'Delivery',
          DeliveredAt: new Date().toISOString(),
          Recipient: 'a@b.org',
        }),
      ),
    });
    const context = { now: () => Date.now(), rememberOnce: async () => true };
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    expect(await webhooks.verify(request(basic('hooks:long-password')), context)).toBeNull();
    expect(await webhooks.verify(request(basic('undefined:undefined')), context)).toMatchObject({
      status: 401,
    });
  });

  it('a NaN, infinite or negative maximum age or timeout is a configuration error', () => {
    const webhookAuth = { header: 'x-secret', value: 'long-secret' };
    for (const webhookMaxAgeMs of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(configurationError(() => postmark({ webhookAuth, webhookMaxAgeMs }))).toMatch(/webhookMaxAgeMs/);
    }
    for (const timeoutMs of [Number.NaN, 0, -1]) {
      expect(configurationError(() => postmark({ timeoutMs }))).toMatch(/timeoutMs/);
    }
  });
});
