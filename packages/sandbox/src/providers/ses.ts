import type { ProviderSimulator } from '../types.js';

// Placeholder: replaced by the ses simulator (real request parsing, auth and error bodies).
export const sesSimulator: ProviderSimulator = {
  kind: 'ses',
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
  renderFault: () => ({ status: 503, body: 'Service Unavailable' }),
};
