/** The providers' domain and identity APIs, answered before the send APIs (docs/doctor.md#sandbox). */
import type { SandboxProviderKind, SandboxRequest, SandboxResponse, SimulatorContext } from '../types.js';
import { mailgunDomains } from './mailgun.js';
import { postmarkDomains } from './postmark.js';
import { resendDomains } from './resend.js';
import { sendgridDomains } from './sendgrid.js';
import { sesIdentities } from './ses.js';
import type { SandboxDomain } from './types.js';

type DomainApi = (
  request: SandboxRequest,
  context: SimulatorContext,
  domains: readonly SandboxDomain[],
) => SandboxResponse | undefined;

/** Each provider's domain API: an answer, or undefined when the request is not for it. */
export const domainApis: Readonly<Record<SandboxProviderKind, DomainApi>> = {
  sendgrid: sendgridDomains,
  ses: sesIdentities,
  mailgun: mailgunDomains,
  postmark: postmarkDomains,
  resend: resendDomains,
};

export { DEFAULT_POSTMARK_ACCOUNT_TOKEN } from './postmark.js';
export type { SandboxDomain } from './types.js';
