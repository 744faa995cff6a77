import { createServer } from 'node:net';
import type { ProviderFailure } from '@mailover/core';
import { type FaultKind, type Sandbox, startSandbox } from '@mailover/sandbox';
import { Errors } from 'postmark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postmark } from '../src/index.js';
import { makeMessage, sendContext } from './helpers.js';

const CANARY = 'SECRET-CANARY-postmark-7f3a9c1e';
const forms = [CANARY, Buffer.from(CANARY).toString('base64')];

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ credentials: { postmark: { serverToken: CANARY } } });
});
afterAll(() => sandbox.close());

/** Every string anywhere inside a value, own properties and prototype-less objects included. */
function strings(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.getOwnPropertyNames(value).flatMap((key) => [
    key,
    ...strings((value as Record<string, unknown>)[key], seen),
  ]);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectNoCanary(failure: ProviderFailure) {
  const text = [JSON.stringify(failure), ...strings(failure)].join('\n');
  for (const form of forms) expect(text).not.toContain(form);
}

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

describe('postmark adapter: no secret in any failure', () => {
  const adapter = () =>
    postmark({ serverToken: CANARY, endpoint: sandbox.endpoints.postmark, timeoutMs: 300 });

  it.each(faults)('%s', async (kind) => {
    sandbox.faults.next('postmark', { kind });
    const provider = adapter();
    const error = await provider.send(makeMessage(), sendContext()).catch((caught: unknown) => caught);
    expectNoCanary(provider.classifyError(error));
  });

  it('a refused token, a closed port and a missing token', async () => {
    const wrong = postmark({ serverToken: `${CANARY}-wrong`, endpoint: sandbox.endpoints.postmark });
    expectNoCanary(
      wrong.classifyError(await wrong.send(makeMessage(), sendContext()).catch((caught) => caught)),
    );
    const port = await closedPort();
    const closed = postmark({
      serverToken: CANARY,
      endpoint: `http://127.0.0.1:${port}/postmark`,
      timeoutMs: 300,
    });
    expectNoCanary(
      closed.classifyError(await closed.send(makeMessage(), sendContext()).catch((caught) => caught)),
    );
  });

  it('an error whose text echoes the token is scrubbed, raw and base64', async () => {
    const provider = adapter();
    await provider.send(makeMessage(), sendContext());
    for (const form of forms) {
      const failure = provider.classifyError(new Errors.UnknownError(`bad header: ${form}`, 0, 400));
      expectNoCanary(failure);
      expect(failure.message).toContain('[redacted]');
    }
  });
});
