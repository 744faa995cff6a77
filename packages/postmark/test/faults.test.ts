import { createServer } from 'node:net';
import type { ProviderFailure } from '@mailover/core';
import { type Fault, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postmark } from '../src/index.js';
import { makeMessage, sendContext } from './helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  sandbox.faults.clear();
});

function provider(options: Parameters<typeof postmark>[0] = {}) {
  return postmark({
    serverToken: sandbox.credentials.postmark.serverToken,
    endpoint: sandbox.endpoints.postmark,
    timeoutMs: 300,
    ...options,
  });
}

/** Send once through the SDK and classify what it threw. */
async function failure(adapter = provider(), message = makeMessage(), signal?: AbortSignal) {
  const error = await adapter
    .send(message, sendContext(signal ? { signal } : {}))
    .then(() => expect.unreachable('the send should have failed'))
    .catch((caught: unknown) => caught);
  return { error, failure: adapter.classifyError(error) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('postmark adapter: sandbox faults through the SDK', () => {
  const cases: Array<[Fault, Partial<ProviderFailure>]> = [
    [{ kind: 'outage' }, { code: 'provider_unavailable', outcome: 'unknown', status: 503 }],
    [{ kind: 'server_error' }, { code: 'provider_unavailable', outcome: 'unknown', status: 500 }],
    [
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      { code: 'rate_limited', outcome: 'not_sent', status: 429, retryAfterMs: 3000, providerCode: '429' },
    ],
    [{ kind: 'rate_limited' }, { code: 'rate_limited', retryAfterMs: 1000 }],
    [{ kind: 'hang' }, { code: 'timeout', outcome: 'unknown' }],
    [{ kind: 'reset' }, { code: 'network', outcome: 'unknown' }],
    [{ kind: 'malformed' }, { code: 'unknown', outcome: 'unknown' }],
    [
      { kind: 'quota_exhausted' },
      { code: 'quota_exceeded', outcome: 'not_sent', status: 422, providerCode: '405' },
    ],
    [
      { kind: 'account_suspended' },
      { code: 'account_suspended', outcome: 'not_sent', status: 422, providerCode: '413' },
    ],
    [{ kind: 'message_too_large' }, { code: 'message_rejected', outcome: 'not_sent', status: 413 }],
  ];

  it.each(cases)('classifies %o', async (fault, expected) => {
    sandbox.faults.next('postmark', fault);
    const { failure: result } = await failure();
    expect(result).toMatchObject(expected);
    expect(sandbox.requests.postmark).toBe(1);
    expect(sandbox.messages).toHaveLength(0);
  });

  it('makes exactly one attempt: the SDK does not retry', async () => {
    sandbox.faults.next('postmark', { kind: 'server_error' }, { kind: 'server_error' });
    await failure();
    expect(sandbox.requests.postmark).toBe(1);
  });

  it('reports a wrong server token as auth_failed with ErrorCode 10', async () => {
    const { failure: result } = await failure(provider({ serverToken: 'not-the-token' }));
    expect(result).toMatchObject({
      code: 'auth_failed',
      outcome: 'not_sent',
      status: 401,
      providerCode: '10',
    });
  });

  it('reports a refused connection as network, not sent', async () => {
    const port = await closedPort();
    const { failure: result } = await failure(provider({ endpoint: `http://127.0.0.1:${port}/postmark` }));
    expect(result).toMatchObject({ code: 'network', outcome: 'not_sent' });
    expect(result.message).toContain('ECONNREFUSED');
  });

  it('reports an inactive recipient as recipient_suppressed, naming it', async () => {
    const message = makeMessage({ to: [{ address: 'gone@inactive.postmark.test' }], cc: [], bcc: [] });
    const { failure: result } = await failure(provider(), message);
    expect(result).toMatchObject({
      code: 'recipient_suppressed',
      status: 422,
      providerCode: '406',
      recipients: ['gone@inactive.postmark.test'],
    });
  });

  it('reports a forbidden attachment type as message_rejected (a limit of Postmark only)', async () => {
    const message = makeMessage({
      attachments: [
        { filename: 'setup.exe', content: Uint8Array.of(1), contentType: 'application/octet-stream' },
      ],
    });
    const { failure: result } = await failure(provider(), message);
    expect(result).toMatchObject({ code: 'message_rejected', providerCode: '411' });
  });

  it('reports a message Postmark finds invalid as invalid_message', async () => {
    const { failure: result } = await failure(provider(), makeMessage({ text: undefined, html: undefined }));
    expect(result).toMatchObject({ code: 'invalid_message', status: 422, providerCode: '300' });
  });

  it('concurrent sends through the one client each keep what their own response said', async () => {
    sandbox.faults.next(
      'postmark',
      { kind: 'rate_limited', retryAfterSeconds: 3 },
      { kind: 'rate_limited', retryAfterSeconds: 7 },
    );
    const adapter = provider();
    const results = await Promise.all([
      failure(adapter),
      failure(adapter),
      adapter.send(makeMessage(), sendContext()),
    ]);
    const waits = results
      .slice(0, 2)
      .map((result) => (result as { failure: ProviderFailure }).failure.retryAfterMs);
    expect(waits.sort()).toEqual([3000, 7000]);
    expect(results[2]).toMatchObject({ providerMessageId: expect.any(String) });
  });

  it('a per-send signal aborts only its own send on the shared client', { timeout: 5000 }, async () => {
    sandbox.faults.next('postmark', { kind: 'hang' });
    const adapter = provider({ timeoutMs: 60_000 });
    const controller = new AbortController();
    const hanging = failure(adapter, makeMessage(), controller.signal);
    const other = adapter.send(makeMessage(), sendContext());
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    expect(((await hanging).error as Error).name).toBe('AbortError');
    expect(await other).toMatchObject({ providerMessageId: expect.any(String) });
  });

  it('stops at the caller signal, as an AbortError classified timeout/unknown', {
    timeout: 5000,
  }, async () => {
    sandbox.faults.next('postmark', { kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    // The SDK's own deadline is a minute away: only the signal can end this call in time.
    const { error, failure: result } = await failure(
      provider({ timeoutMs: 60_000 }),
      makeMessage(),
      controller.signal,
    );
    expect((error as Error).name).toBe('AbortError');
    expect(result).toMatchObject({ code: 'timeout', outcome: 'unknown' });
  });
});
