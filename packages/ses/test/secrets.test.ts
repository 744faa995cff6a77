import type { ProviderFailure } from '@mailover/core';
import { type FaultKind, type Sandbox, startSandbox } from '@mailover/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ses } from '../src/index.js';
import { sampleMessage, sendContext } from './helpers.js';

const CANARY_SECRET = 'SECRET-CANARY-9f1c2e7a5b3d4c6e8a0b';
const CANARY_KEY_ID = 'AKIACANARY9F1C2E7A5B';
const FORMS = [CANARY_SECRET, Buffer.from(CANARY_SECRET).toString('base64'), CANARY_KEY_ID];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    credentials: { ses: { region: 'us-east-1', accessKeyId: CANARY_KEY_ID, secretAccessKey: CANARY_SECRET } },
  });
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
  delete process.env.AWS_SECRET_ACCESS_KEY;
  delete process.env.AWS_ACCESS_KEY_ID;
});

function provider() {
  return ses({
    region: 'us-east-1',
    credentials: { accessKeyId: CANARY_KEY_ID, secretAccessKey: CANARY_SECRET },
    endpoint: sandbox.endpoints.ses,
    timeoutMs: 300,
  });
}

/** Every string anywhere in the failure, keys included. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item, seen)]);
}

function expectNoSecret(failure: ProviderFailure): void {
  const texts = [JSON.stringify(failure), ...strings(failure)];
  for (const form of FORMS) {
    for (const text of texts) expect(text).not.toContain(form);
  }
}

async function failureFor(adapter: ReturnType<typeof ses>): Promise<ProviderFailure> {
  const error = await adapter.send(sampleMessage(), sendContext()).then(
    () => new Error('unexpectedly sent'),
    (thrown: unknown) => thrown,
  );
  return adapter.classifyError(error);
}

describe('ses adapter: no secret in any failure', () => {
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
  for (const kind of faults) {
    it(`${kind}`, async () => {
      sandbox.faults.next('ses', { kind });
      const failure = await failureFor(provider());
      expect(failure.message.length).toBeGreaterThan(0);
      expectNoSecret(failure);
    });
  }

  it('wrong secret and connection refused', async () => {
    const wrong = ses({
      region: 'us-east-1',
      credentials: { accessKeyId: CANARY_KEY_ID, secretAccessKey: `${CANARY_SECRET}-x` },
      endpoint: sandbox.endpoints.ses,
    });
    expectNoSecret(await failureFor(wrong));
    const refused = ses({
      region: 'us-east-1',
      credentials: { accessKeyId: CANARY_KEY_ID, secretAccessKey: CANARY_SECRET },
      endpoint: 'http://127.0.0.1:1',
    });
    expectNoSecret(await failureFor(refused));
  });

  it('scrubs an error that quotes the secret, with options or environment credentials', async () => {
    const leaky = Object.assign(
      new Error(`signing with ${CANARY_SECRET} (${FORMS[1]}) for ${CANARY_KEY_ID}`),
      {
        name: 'SignatureDoesNotMatch',
        $metadata: { httpStatusCode: 403 },
      },
    );
    const fromOptions = provider().classifyError(leaky);
    expect(fromOptions.code).toBe('auth_failed');
    expect(fromOptions.message).toContain('[redacted]');
    expectNoSecret(fromOptions);

    process.env.AWS_ACCESS_KEY_ID = CANARY_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = CANARY_SECRET;
    const fromEnvironment = ses({ region: 'us-east-1', endpoint: sandbox.endpoints.ses });
    await fromEnvironment.send(sampleMessage(), sendContext());
    expectNoSecret(fromEnvironment.classifyError(leaky));
  });
});
