import type { ProviderSimulator, SandboxProviderKind } from '../types.js';
import { mailgunSimulator } from './mailgun.js';
import { postmarkSimulator } from './postmark.js';
import { resendSimulator } from './resend.js';
import { sendgridSimulator } from './sendgrid.js';
import { sesSimulator } from './ses.js';

export const simulators: Readonly<Record<SandboxProviderKind, ProviderSimulator>> = {
  sendgrid: sendgridSimulator,
  ses: sesSimulator,
  mailgun: mailgunSimulator,
  postmark: postmarkSimulator,
  resend: resendSimulator,
};
