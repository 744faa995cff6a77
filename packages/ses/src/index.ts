/**
 * `ses(options)`: an Amazon SES v2 provider for mailover over `@aws-sdk/client-sesv2`. The SDK is
 * imported and credentials are read at the first send, so importing and constructing never throw.
 * The files and their roles are every adapter's (docs/adapters.md); sns.ts, events.ts and tags.ts
 * hold what only SES has.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import {
  NEVER_ABORTED,
  defineProvider,
  sendAbortable,
  UnexpectedResponseError,
} from '@mailover/core/provider';
import { type SesCredentials, sesClients } from './client.js';
import { classifySesError } from './errors.js';
import { toSesRequest } from './mapping.js';
import { type SesWebhookOptions, sesWebhooks } from './webhooks.js';

export interface SesOptions extends CommonProviderOptions {
  /** AWS region, e.g. `'eu-west-1'`. Default: the `AWS_REGION` environment variable (required one way or the other). */
  readonly region?: string;
  /** Static credentials. Default: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else the AWS SDK's default chain (profiles, SSO, container and instance roles). */
  readonly credentials?: SesCredentials;
  /** API base URL instead of `https://email.<region>.amazonaws.com`, e.g. the sandbox's `endpoints.ses`. Default: AWS's. */
  readonly endpoint?: string;
  /** Configuration set for every message: it names the dedicated IP pool and the event destinations. Default: none (the account's default). */
  readonly configurationSetName?: string;
  /** A ready SES v2 client to use instead of building one (its retries should be off: `maxAttempts: 1`). Default: built from the options above. */
  readonly client?: SESv2Client;
  /** Receive SES events (SNS notifications, EventBridge calls) through `provider.webhooks`. Default: none, so no `webhooks`. */
  readonly webhook?: Omit<SesWebhookOptions, 'providerId'>;
  /** How old an SNS notification's `Timestamp` may be, in seconds; overrides `webhook.toleranceSeconds`. Default: 3 600 (SNS's longest retry window). */
  readonly webhookToleranceSeconds?: number;
}

/** SES v2's documented limits: 40 MiB per message after encoding, 50 recipients, blocked file types. */
export const SES_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 40 * 1024 * 1024,
  maxRecipients: 50,
  blockedExtensions: Object.freeze(
    (
      'ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js jse ksh ' +
      'lib lnk mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml ' +
      'msh1xml msh2xml msi msp mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml ' +
      'psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk'
    ).split(' '),
  ),
  // "Amazon SES does not support the SMTPUTF8 extension … the email address string must be 7-bit
  // ASCII" (API reference, Destination).
  asciiAddressesOnly: true,
});

/** An Amazon SES v2 provider. */
export function ses(options: SesOptions = {}): ProviderV1 {
  return defineProvider('ses', options, {
    defaults: { ip: 'rotating', limits: SES_LIMITS },
    // Every send puts the mailover id in the mailover_id tag, which each event echoes back.
    eventsCarryMailoverId: true,
    webhooks: (providerId) =>
      options.webhook
        ? sesWebhooks({
            ...options.webhook,
            providerId,
            ...(options.webhookToleranceSeconds !== undefined
              ? { toleranceSeconds: options.webhookToleranceSeconds }
              : {}),
          })
        : undefined,
    adapter({ timeoutMs }) {
      const clients = sesClients({
        client: options.client,
        region: options.region,
        credentials: options.credentials,
        endpoint: options.endpoint,
        timeoutMs,
      });
      return {
        async send(message, context) {
          const [client, sdk] = await Promise.all([clients.client(), clients.sdk()]);
          const input = toSesRequest(message, {
            configurationSetName: options.configurationSetName,
            recipients: context.recipients,
          });
          // A signal that can never abort is left out: the SDK would add and remove a listener per call.
          const output = await sendAbortable('SES', context.signal, () =>
            client.send(
              new sdk.SendEmailCommand(input),
              context.signal === NEVER_ABORTED ? {} : { abortSignal: context.signal },
            ),
          );
          if (!output.MessageId)
            throw new UnexpectedResponseError('SES', output.$metadata?.httpStatusCode ?? 0, 'a MessageId');
          return { providerMessageId: output.MessageId };
        },
        classifyError: (error) => classifySesError(error, { secrets: clients.secrets }),
      };
    },
  });
}

export type { SesCredentials } from './client.js';
export { classifySesError, SES_ERROR_TABLE, type SesErrorRule } from './errors.js';
export { type SesRequestOptions, toSesAddress, toSesRequest } from './mapping.js';
export { parseSesEvent, SES_EVENT_TYPES } from './events.js';
export { isSnsUrl, snsStringToSign } from './sns.js';
export { decodeTagValue, encodeTagValue, MAILOVER_ID_TAG, toSesTags } from './tags.js';
export { parseBody as parseSesWebhookBody, type SesWebhookOptions, sesWebhooks } from './webhooks.js';
export { type SesSuppressionsOptions, sesSuppressions } from './suppressions.js';
