/**
 * A fault as the HTTP control API receives it (`PUT /_sandbox/faults/:provider`, docs/sandbox-view.md),
 * checked field by field: a bad field gets an answer naming it, why, and what to send instead.
 */
import type { StandingFault } from '../faults.js';
import type { FaultKind } from '../types.js';

export const FAULT_KINDS: readonly FaultKind[] = [
  'outage',
  'server_error',
  'rate_limited',
  'hang',
  'reset',
  'malformed',
  'accept_then_reset',
  'accept_then_hang',
  'quota_exhausted',
  'account_suspended',
  'message_too_large',
];

export class FaultInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const EXAMPLE = 'e.g. {"kind":"rate_limited","rate":0.5,"retryAfterSeconds":2}';

export function parseFaultInput(body: Buffer): StandingFault {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new FaultInputError('body', `the body is not JSON; send a fault object, ${EXAMPLE}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FaultInputError('body', `the body must be a JSON object, ${EXAMPLE}`);
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'kind' && key !== 'rate' && key !== 'retryAfterSeconds')
      throw new FaultInputError(key, `unknown field "${key}"; a fault has kind, rate and retryAfterSeconds`);
  }
  const kind = input.kind;
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind))
    throw new FaultInputError(
      'kind',
      `kind must be one of ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(kind) ?? 'nothing'}`,
    );
  const fault: { kind: FaultKind; rate?: number; retryAfterSeconds?: number } = { kind: kind as FaultKind };
  if (input.rate !== undefined) {
    const rate = input.rate;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1)
      throw new FaultInputError(
        'rate',
        `rate must be a number from 0 to 1 (the share of requests that get the fault); got ${JSON.stringify(rate)}. Leave it out for every request`,
      );
    fault.rate = rate;
  }
  if (input.retryAfterSeconds !== undefined) {
    const seconds = input.retryAfterSeconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 86_400)
      throw new FaultInputError(
        'retryAfterSeconds',
        `retryAfterSeconds must be a whole number of seconds from 0 to 86400; got ${JSON.stringify(seconds)}`,
      );
    if (kind !== 'rate_limited')
      throw new FaultInputError(
        'retryAfterSeconds',
        `retryAfterSeconds only applies to kind "rate_limited", not "${kind}"; leave it out`,
      );
    fault.retryAfterSeconds = seconds;
  }
  return fault;
}
