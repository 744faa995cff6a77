export { checkDomain } from './check-domain.js';
export { createLookup, DnsUnavailableError, type DnsLookup, parseServer } from './dns.js';
export { aligned, organizationalDomain, type DmarcPolicy } from './dmarc.js';
export { analyzeSpf, SPF_LOOKUP_LIMIT, type SpfAnalysis } from './spf.js';
export { PROFILES, type ProviderProfile } from './profiles.js';
export { formatReport } from './format.js';
export * from './types.js';
export { type PreflightOptions, preflight } from './preflight.js';
