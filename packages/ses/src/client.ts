/**
 * The SES v2 client, built once on the first send (never at import): the region, the credentials
 * and the SDK are read then. Every secret read is added to `secrets`, scrubbed from every failure.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { lazy, requireSetting, withoutTrailingSlashes } from '@mailover/core/provider';

export interface SesCredentials {
  /** AWS access key id. Default: the `AWS_ACCESS_KEY_ID` environment variable. */
  readonly accessKeyId?: string;
  /** AWS secret access key. Default: the `AWS_SECRET_ACCESS_KEY` environment variable. */
  readonly secretAccessKey?: string;
  /** Session token of temporary credentials. Default: `AWS_SESSION_TOKEN` when the keys come from the environment, else none. */
  readonly sessionToken?: string;
}

type SesSdk = typeof import('@aws-sdk/client-sesv2');

const loadSdk: () => Promise<SesSdk> = lazy(() => import('@aws-sdk/client-sesv2'));

/** The client, and the secrets known so far. */
export interface SesClients {
  client(): Promise<SESv2Client>;
  /** The SDK module, for its command classes. */
  sdk(): Promise<SesSdk>;
  readonly secrets: readonly (string | undefined)[];
}

export function sesClients(options: {
  readonly client: SESv2Client | undefined;
  readonly region: string | undefined;
  readonly credentials: SesCredentials | undefined;
  readonly endpoint: string | undefined;
  readonly timeoutMs: number;
}): SesClients {
  const secrets: Array<string | undefined> = [
    options.credentials?.accessKeyId,
    options.credentials?.secretAccessKey,
    options.credentials?.sessionToken,
  ];
  const client = lazy(async (): Promise<SESv2Client> => {
    if (options.client) return options.client;
    const region = requireSetting('ses', 'region', options.region, 'AWS_REGION');
    const credentials = resolveCredentials(options.credentials);
    if (credentials)
      secrets.push(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken);
    const sdk = await loadSdk();
    return new sdk.SESv2Client({
      region,
      ...(options.endpoint ? { endpoint: withoutTrailingSlashes(options.endpoint) } : {}),
      ...(credentials ? { credentials } : {}),
      // Only mailover's engine retries; the SDK would otherwise try 3 times, timeouts included.
      maxAttempts: 1,
      // Without throwOnRequestTimeout the SDK only logs a warning when the timeout passes.
      requestHandler: {
        requestTimeout: options.timeoutMs,
        connectionTimeout: options.timeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  });
  return { client, sdk: loadSdk, secrets };
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
