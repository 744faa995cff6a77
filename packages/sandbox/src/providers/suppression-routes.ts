/**
 * Each provider's suppression-list endpoints, in front of its send API: a request the listing
 * answers never reaches the simulator's `handle`. The lists are `sandbox.suppressions`.
 */
import type {
  ProviderSimulator,
  SandboxRequest,
  SandboxResponse,
  SandboxSuppression,
  SimulatorContext,
} from '../types.js';

/** Answers a suppression-list request, or undefined for any other path. */
export type SuppressionListing = (
  request: SandboxRequest,
  context: SimulatorContext,
) => SandboxResponse | undefined;

export function withSuppressions(
  simulator: ProviderSimulator,
  listing: SuppressionListing,
): ProviderSimulator {
  return {
    ...simulator,
    handle: (request, context) => listing(request, context) ?? simulator.handle(request, context),
  };
}

/** The request's query parameters. */
export function queryOf(request: SandboxRequest): URLSearchParams {
  const at = request.path.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : request.path.slice(at + 1));
}

export function pathOf(request: SandboxRequest): string {
  return request.path.split('?')[0]!;
}

/** A whole-number query parameter within [min, max], the default when absent, or undefined when invalid. */
export function intParameter(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** The request body as JSON, or undefined when it is not JSON. */
export function jsonBody(request: SandboxRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Put `address` on `list` (once), as the provider's write API does; resolves false when it was there. */
export function suppress(
  entries: SandboxSuppression[],
  address: string,
  list: SandboxSuppression['list'],
  createdAt: number,
  reason?: string,
): boolean {
  const lower = address.toLowerCase();
  if (entries.some((entry) => entry.list === list && entry.address.toLowerCase() === lower)) return false;
  entries.push({ address, list, createdAt, ...(reason === undefined ? {} : { reason }) });
  return true;
}
