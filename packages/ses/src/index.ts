/**
 * `ses(options)`: an Amazon SES v2 provider for mailover over `@aws-sdk/client-sesv2`. The SDK is
 * imported and credentials are read at the first send, so importing and constructing never throw.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  type IpMode,
  lazy,
  NEVER_ABORTED,
  type NormalizedMessage,
  type ProviderFailure,
  type ProviderLimits,
  type ProviderSendContext,
  type ProviderSendResult,
  type ProviderV1,
  raceAbort,
  requireSetting,
} from '@mailover/core';
import { classifySesError } from './errors.js';
import { toSesRequest } from './mapping.js';
import { type SesWebhookOptions, sesWebhooks } from './webhooks.js';

export interface SesCredentials {
  /** AWS access key id. Default: the `AWS_ACCESS_KEY_ID` environment variable. */
  readonly accessKeyId?: string;
  /** AWS secret access key. Default: the `AWS_SECRET_ACCESS_KEY` environment variable. */
  readonly secretAccessKey?: string;
  /** Session token of temporary credentials. Default: `AWS_SESSION_TOKEN` when the keys come from the environment, else none. */
  readonly sessionToken?: string;
}

export interface SesOptions {
  /** Provider id, unique per mailer. Default: `'ses'`. */
  readonly id?: string;
  /** AWS region, e.g. `'eu-west-1'`. Default: the `AWS_REGION` environment variable (required one way or the other). */
  readonly region?: string;
  /** Static credentials. Default: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, else the AWS SDK's default chain (profiles, SSO, container and instance roles). */
  readonly credentials?: SesCredentials;
  /** API base URL instead of `https://email.<region>.amazonaws.com`, e.g. the sandbox's `endpoints.ses`. Default: AWS's. */
  readonly endpoint?: string;
  /** Configuration set for every message: it names the dedicated IP pool and the event destinations. Default: none (the account's default). */
  readonly configurationSetName?: string;
  /** `'fixed'` when the configuration set sends from a STANDARD dedicated pool of your own IPs. Default: `'rotating'`. */
  readonly ip?: IpMode;
  /** What this account can carry; merged over SES's documented limits. Default: `SES_LIMITS`. */
  readonly limits?: ProviderLimits;
  /** Request timeout in milliseconds (connection and response). Default: 30 000. */
  readonly timeoutMs?: number;
  /** A ready SES v2 client to use instead of building one (its retries should be off: `maxAttempts: 1`). Default: built from the options above. */
  readonly client?: SESv2Client;
  /** Receive SES events (SNS notifications, EventBridge calls) through `provider.webhooks`. Default: none, so no `webhooks`. */
  readonly webhook?: SesWebhookOptions;
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

const DEFAULT_TIMEOUT_MS = 30_000;
const loadSdk = lazy(() => import('@aws-sdk/client-sesv2'));

/** An Amazon SES v2 provider. */
export function ses(options: SesOptions = {}): ProviderV1 {
  // Secrets known so far, scrubbed from every failure message; filled in when settings are read.
  const secrets: Array<string | undefined> = [
    options.credentials?.accessKeyId,
    options.credentials?.secretAccessKey,
    options.credentials?.sessionToken,
  ];

  const getClient = lazy(async (): Promise<SESv2Client> => {
    if (options.client) return options.client;
    const region = requireSetting('ses', 'region', options.region, 'AWS_REGION');
    const credentials = resolveCredentials(options.credentials);
    if (credentials)
      secrets.push(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
    const sdk = await loadSdk();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new sdk.SESv2Client({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint.replace(/\/+$/, '') } : {}),
      ...(credentials ? { credentials } : {}),
      // Only mailover's engine retries; the SDK would otherwise try 3 times, timeouts included.
      maxAttempts: 1,
      // Without throwOnRequestTimeout the SDK only logs a warning when the timeout passes.
      requestHandler: {
        requestTimeout: timeoutMs,
        connectionTimeout: timeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  });

  const id = options.id ?? 'ses';
  return {
    specificationVersion: 'v1',
    // Every send puts the mailover id in the mailover_id tag, which each event echoes back.
    eventsCarryMailoverId: true,
    id,
    kind: 'ses',
    ip: options.ip ?? 'rotating',
    limits: { ...SES_LIMITS, ...options.limits },
    async send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult> {
      const [client, sdk] = await Promise.all([getClient(), loadSdk()]);
      const input = toSesRequest(message, {
        configurationSetName: options.configurationSetName,
        recipients: context.recipients,
      });
      context.signal.throwIfAborted();
      // A signal that can never abort is left out: the SDK would add and remove a listener per call.
      const request = client.send(
        new sdk.SendEmailCommand(input),
        context.signal === NEVER_ABORTED ? {} : { abortSignal: context.signal },
      );
      // When the abort wins the race below, the SDK's own rejection that follows is expected.
      request.catch(() => undefined);
      const output = await raceAbort(request, context.signal);
      if (!output.MessageId) throw new Error('SES answered without a MessageId.');
      return { providerMessageId: output.MessageId };
    },
    classifyError(error: unknown): ProviderFailure {
      return classifySesError(error, secrets);
    },
    ...(options.webhook ? { webhooks: sesWebhooks(id, options.webhook) } : {}),
  };
}

interface ResolvedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

function resolveCredentials(given: SesCredentials | undefined): ResolvedCredentials | undefined {
  const env = process.env;
  if (!given && !env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) return undefined;
  const accessKeyId = requireSetting(
    'ses',
    'credentials.accessKeyId',
    given?.accessKeyId,
    'AWS_ACCESS_KEY_ID',
  );
  const secretAccessKey = requireSetting(
    'ses',
    'credentials.secretAccessKey',
    given?.secretAccessKey,
    'AWS_SECRET_ACCESS_KEY',
  );
  const sessionToken = given ? given.sessionToken : env.AWS_SESSION_TOKEN || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export { classifySesError, SES_ERROR_TABLE, type SesErrorRule } from './errors.js';
export { type SesRequestOptions, toSesAddress, toSesRequest } from './mapping.js';
export { parseSesEvent, SES_EVENT_TYPES } from './events.js';
export { isSnsUrl, snsStringToSign } from './sns.js';
export { decodeTagValue, encodeTagValue, MAILOVER_ID_TAG, toSesTags } from './tags.js';
export { parseBody as parseSesWebhookBody, type SesWebhookOptions, sesWebhooks } from './webhooks.js';
export { type SesSuppressionsOptions, sesSuppressions } from './suppressions.js';
