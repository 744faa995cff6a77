import type { ProviderSimulator } from '../types.js';

// Placeholder: replaced by the postmark simulator (real request parsing, auth and error bodies).
export const postmarkSimulator: ProviderSimulator = {
  kind: 'postmark',
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
  renderFault: () => ({ status: 503, body: 'Service Unavailable' }),
};
