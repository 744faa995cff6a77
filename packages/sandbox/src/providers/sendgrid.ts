import type { ProviderSimulator } from '../types.js';

// Placeholder: replaced by the sendgrid simulator (real request parsing, auth and error bodies).
export const sendgridSimulator: ProviderSimulator = {
  kind: 'sendgrid',
  handle: () => ({ status: 501, body: { error: 'not implemented' } }),
  renderFault: () => ({ status: 503, body: 'Service Unavailable' }),
};
