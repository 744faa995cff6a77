/**
 * Failover between real adapters, each through its official SDK against the sandbox. What each
 * adapter must do on its own is the conformance suite every adapter package runs (`testProvider()`).
 */
import { createMailer } from '@mailover/core';
import { CONFORMANCE_MESSAGE } from '@mailover/core/testing';
import { type SandboxProviderKind, startSandbox } from '@mailover/sandbox';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from './adapters.js';

const KINDS = Object.keys(ADAPTERS) as SandboxProviderKind[];
const TIMEOUT_MS = 400;

const sandbox = await startSandbox();
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
});

describe('failover between real adapters', () => {
  it.each(KINDS.map((kind, index) => [kind, KINDS[(index + 1) % KINDS.length]!] as const))(
    '%s down → %s accepts',
    async (down, next) => {
      sandbox.faults.set(down, { kind: 'outage' });
      const credentials = sandbox.credentials;
      const mailer = createMailer({
        providers: [
          ADAPTERS[down](sandbox, credentials, TIMEOUT_MS),
          ADAPTERS[next](sandbox, credentials, TIMEOUT_MS),
        ],
        retry: { retries: 1, minDelayMs: 5, maxDelayMs: 10 },
      });
      const result = await mailer.send(CONFORMANCE_MESSAGE);
      expect(result.provider).toBe(next);
      expect(result.attempts.map((attempt) => `${attempt.provider}:${attempt.code}`)).toEqual([
        `${down}:provider_unavailable`,
        `${down}:provider_unavailable`,
        `${next}:ok`,
      ]);
      expect(sandbox.messages.filter((entry) => entry.provider === next)).toHaveLength(1);
      expect(sandbox.messages.filter((entry) => entry.provider === down)).toHaveLength(0);
    },
  );
});
