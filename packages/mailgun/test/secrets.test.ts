import { createServer } from 'node:net';
import type { ProviderFailure, ProviderV1 } from '@mailover/core';
import { type FaultKind, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mailgun } from '../src/index.js';
import { testContext, testMessage } from './support.js';

const CANARY = 'SECRET-CANARY-mailgun-4f9d2c7e1b';
const FORMS = [
  CANARY,
  Buffer.from(CANARY).toString('base64'),
  Buffer.from(`api:${CANARY}`).toString('base64'),
];

let sandbox: Sandbox;
let provider: ProviderV1;

beforeAll(async () => {
  sandbox = await startSandbox({ credentials: { mailgun: { apiKey: CANARY, domain: 'mg.canary.test' } } });
  provider = mailgun({
    apiKey: CANARY,
    domain: 'mg.canary.test',
    endpoint: sandbox.endpoints.mailgun,
    timeoutMs: 300,
  });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.faults.clear());

/** Every string anywhere in the failure, keys included. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner, seen)]);
}

function expectNoSecret(failure: ProviderFailure): void {
  const serialized = JSON.stringify(failure);
  for (const form of FORMS) {
    expect(serialized).not.toContain(form);
    for (const text of strings(failure)) expect(text).not.toContain(form);
  }
}

async function classifiedFailure(through: ProviderV1): Promise<ProviderFailure> {
  const error = await through.send(testMessage(), testContext()).then(
    () => {
      throw new Error('expected the send to fail');
    },
    (caught: unknown) => caught,
  );
  return through.classifyError(error);
}

const FAULTS: readonly FaultKind[] = [
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

describe('mailgun: no API key in any classified failure', () => {
  it.each(FAULTS)('%s', async (kind) => {
    sandbox.faults.next('mailgun', { kind });
    expectNoSecret(await classifiedFailure(provider));
  });

  it('wrong credentials', async () => {
    const wrong = mailgun({
      apiKey: `${CANARY}-x`,
      domain: 'mg.canary.test',
      endpoint: sandbox.endpoints.mailgun,
    });
    const failure = await classifiedFailure(wrong);
    expect(failure.code).toBe('auth_failed');
    expectNoSecret(failure);
  });

  it('connection refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const nowhere = mailgun({
      apiKey: CANARY,
      domain: 'mg.canary.test',
      endpoint: `http://127.0.0.1:${port}`,
    });
    expectNoSecret(await classifiedFailure(nowhere));
  });

  it('an error whose text carries the key (or its Basic-auth form) is scrubbed', () => {
    const basic = Buffer.from(`api:${CANARY}`).toString('base64');
    const echoed = Object.assign(new Error('Unauthorized'), {
      status: 401,
      details: `key ${CANARY} refused; header Basic ${basic}; raw ${Buffer.from(CANARY).toString('base64')}`,
      type: 'MailgunAPIError',
    });
    const failure = provider.classifyError(echoed);
    expect(failure.message).toContain('[redacted]');
    expectNoSecret(failure);
    expectNoSecret(provider.classifyError(new Error(`fetch failed for ${CANARY}`)));
  });
});
