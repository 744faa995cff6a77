import type { ProviderSimulator } from '../types.js';

// Placeholder: replaced by the mailgun simulator (real request parsing, auth and error bodies).
export const mailgunSimulator: ProviderSimulator = {
  kind: 'mailgun',
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
  renderFault: () => ({ status: 503, body: 'Service Unavailable' }),
};
