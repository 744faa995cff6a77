import { createServer } from 'node:net';
import type { ProviderFailure, ProviderV1 } from '@mailover/core';
import { type FaultKind, type Sandbox, startSandbox } from '@mailover/sandbox';
import helpers from '@sendgrid/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySendGridError } from '../src/errors.js';
import { sendgrid } from '../src/index.js';
import { fullMessage, sendContext } from './support.js';

const CANARY = 'SG.SECRET-CANARY-7f3a9c2e.d41d8cd98f00b204';
const WRONG_CANARY = 'SG.SECRET-CANARY-wrong-91b2.e3b0c44298fc1c14';
const FORMS = [CANARY, WRONG_CANARY, 'SECRET-CANARY'].flatMap((secret) => [
  secret,
  Buffer.from(secret).toString('base64'),
]);

/** Every string anywhere inside `value` (own properties, nested, keys too). */
function stringsIn(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([key, child]) => [key, ...stringsIn(child, seen)]);
}

function expectNoSecret(failure: ProviderFailure): void {
  const serialized = JSON.stringify(failure);
  for (const form of FORMS) {
    expect(serialized).not.toContain(form);
    for (const text of stringsIn(failure)) expect(text).not.toContain(form);
  }
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ credentials: { sendgrid: { apiKey: CANARY } } });
});
afterAll(() => sandbox.close());

async function failureOf(
  provider: ProviderV1,
  signal?: AbortSignal,
): Promise<{ error: unknown; failure: ProviderFailure }> {
  const error = await provider
    .send(fullMessage(), sendContext(signal ? { signal } : {}))
    .catch((caught: unknown) => caught);
  return { error, failure: provider.classifyError(error) };
}

describe('sendgrid: no API key in any classified failure', () => {
  const faults: FaultKind[] = [
    'outage',
    'server_error',
    'rate_limited',
    'hang',
    'reset',
    'malformed',
    'quota_exhausted',
    'account_suspended',
    'message_too_large',
  ];

  it.each(faults)('fault %s', async (kind) => {
    sandbox.faults.next('sendgrid', { kind });
    const { failure } = await failureOf(
      sendgrid({ apiKey: CANARY, endpoint: sandbox.endpoints.sendgrid, timeoutMs: 300 }),
    );
    expectNoSecret(failure);
  });

  it('wrong credentials', async () => {
    const { failure } = await failureOf(
      sendgrid({ apiKey: WRONG_CANARY, endpoint: sandbox.endpoints.sendgrid }),
    );
    expect(failure.code).toBe('auth_failed');
    expectNoSecret(failure);
  });

  it('connection refused: the SDK’s error carries the key, the failure does not', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const { error, failure } = await failureOf(
      sendgrid({ apiKey: CANARY, endpoint: `http://127.0.0.1:${port}/` }),
    );
    // The raw AxiosError embeds the Authorization header (docs/security.md): this test can fail.
    expect(JSON.stringify((error as { config?: unknown }).config)).toContain(CANARY);
    expect(failure.code).toBe('network');
    expectNoSecret(failure);
  });

  it('key taken from SENDGRID_API_KEY is scrubbed as well', async () => {
    const saved = process.env.SENDGRID_API_KEY;
    process.env.SENDGRID_API_KEY = CANARY;
    try {
      sandbox.faults.next('sendgrid', { kind: 'server_error' });
      const { failure } = await failureOf(sendgrid({ endpoint: sandbox.endpoints.sendgrid }));
      expectNoSecret(failure);
    } finally {
      if (saved === undefined) delete process.env.SENDGRID_API_KEY;
      else process.env.SENDGRID_API_KEY = saved;
    }
  });

  it('an error body that echoes the key (raw, base64 or as a Bearer token) is scrubbed', () => {
    const echoed = new helpers.classes.ResponseError({
      status: 400,
      statusText: 'Bad Request',
      headers: {},
      data: {
        errors: [
          { message: `key ${CANARY} is malformed`, field: null, help: null },
          { message: `basic ${Buffer.from(CANARY).toString('base64')}`, field: null, help: null },
          { message: 'header was Bearer SECRET-CANARY-other-token', field: null, help: null },
        ],
      },
    } as never);
    const failure = classifySendGridError(echoed, { secrets: [CANARY] });
    expect(failure.message).toContain('[redacted]');
    expectNoSecret(failure);
  });
});
