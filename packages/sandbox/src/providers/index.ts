import type { ProviderSimulator, SandboxProviderKind } from '../types.js';
import { mailgunSimulator } from './mailgun.js';
import { postmarkSimulator } from './postmark.js';
import { resendSimulator } from './resend.js';
import { sendgridSimulator } from './sendgrid.js';
import { sesSimulator } from './ses.js';
import { mailgunSuppressions } from './mailgun-suppressions.js';
import { postmarkSuppressions } from './postmark-suppressions.js';
import { resendSuppressions } from './resend-suppressions.js';
import { sendgridSuppressions } from './sendgrid-suppressions.js';
import { sesSuppressions } from './ses-suppressions.js';
import { withSuppressions } from './suppression-routes.js';

export const simulators: Readonly<Record<SandboxProviderKind, ProviderSimulator>> = {
  sendgrid: withSuppressions(sendgridSimulator, sendgridSuppressions),
  ses: withSuppressions(sesSimulator, sesSuppressions),
  mailgun: withSuppressions(mailgunSimulator, mailgunSuppressions),
  postmark: withSuppressions(postmarkSimulator, postmarkSuppressions),
  resend: withSuppressions(resendSimulator, resendSuppressions),
};
