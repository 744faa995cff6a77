import type { IncomingHttpHeaders } from 'node:http';

/** The provider APIs the sandbox stands in for. */
export type SandboxProviderKind = 'sendgrid' | 'ses' | 'mailgun' | 'postmark' | 'resend';
export const SANDBOX_PROVIDERS: readonly SandboxProviderKind[] = [
  'sendgrid',
  'ses',
  'mailgun',
  'postmark',
  'resend',
];

/** What the sandbox accepts as valid credentials (and hands out in `sandbox.credentials`). */
export interface SandboxCredentials {
  /** SendGrid's API key (`Authorization: Bearer`). */
  readonly sendgrid: { readonly apiKey: string };
  /** SES's region and key pair; requests must carry a valid SigV4 signature made with them. */
  readonly ses: { readonly region: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Mailgun's API key (basic auth as `api`) and the sending domain in the URL. */
  readonly mailgun: { readonly apiKey: string; readonly domain: string };
  /** Postmark's server token (`X-Postmark-Server-Token`) and account token (`X-Postmark-Account-Token`, domain APIs; default `sandbox-account-token`). */
  readonly postmark: { readonly serverToken: string; readonly accountToken?: string };
  /** Resend's API key (`Authorization: Bearer`). */
  readonly resend: { readonly apiKey: string };
}

/** An address as the provider received it. */
export interface SandboxAddress {
  /** The bare address, `ada@example.org`. */
  readonly address: string;
  /** The display name, when one was sent. */
  readonly name?: string;
}

/** An attachment as the provider received it, decoded. */
export interface SandboxAttachment {
  /** The file name as sent. */
  readonly filename: string;
  /** The MIME type as sent (or the provider's default). */
  readonly contentType: string;
  /** The decoded bytes. */
  readonly content: Buffer;
  /** The Content-ID of an inline attachment. */
  readonly cid?: string;
}

/** A message a sandbox provider accepted, parsed back from the provider's own request format. */
export interface AcceptedMessage {
  /** Which provider API accepted it. */
  readonly provider: SandboxProviderKind;
  /** The id the sandbox answered with, in that provider's format. */
  readonly providerMessageId: string;
  /** When it was accepted, epoch ms. */
  readonly receivedAt: number;
  /** The sender. */
  readonly from: SandboxAddress;
  /** To recipients, in request order. */
  readonly to: readonly SandboxAddress[];
  /** Cc recipients. */
  readonly cc: readonly SandboxAddress[];
  /** Bcc recipients. */
  readonly bcc: readonly SandboxAddress[];
  /** Reply-To addresses. */
  readonly replyTo: readonly SandboxAddress[];
  /** The subject. */
  readonly subject: string;
  /** The plain-text body, when sent. */
  readonly text?: string;
  /** The HTML body, when sent. */
  readonly html?: string;
  /** Custom headers as sent (names as given), including `Message-ID` when the sender set one. */
  readonly headers: Readonly<Record<string, string>>;
  /** The Message-ID header's value, when the request carried one. */
  readonly messageId?: string;
  /** Attachments, decoded. */
  readonly attachments: readonly SandboxAttachment[];
  /** The provider's tags or categories (SendGrid categories, SES tags named by mailover, Mailgun o:tag, Postmark Tag). */
  readonly tags: readonly string[];
  /** The provider's metadata field: SendGrid custom_args, SES tags, Mailgun v: vars, Postmark Metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The IP pool / configuration set / sending IP the request asked for, if any. */
  readonly ipPool?: string;
  /** The request body as the provider parsed it (JSON, or the multipart fields). */
  readonly raw: unknown;
}

/** A fault the sandbox can inject into a provider's answers. */
export type FaultKind =
  | 'outage' // 503 with the provider's unavailable body
  | 'server_error' // 500
  | 'rate_limited' // 429 with Retry-After
  | 'hang' // accept the connection, never answer
  | 'reset' // destroy the socket without an answer
  | 'accept_then_reset' // accept the message (it counts as sent), then destroy the socket: the answer is lost
  | 'accept_then_hang' // accept the message, then never answer: the client times out
  | 'malformed' // 200 with a body that is not what the SDK expects
  | 'quota_exhausted'
  | 'account_suspended'
  | 'message_too_large';

/** One injected fault. */
export interface Fault {
  /** What goes wrong, rendered in the provider's own error format. */
  readonly kind: FaultKind;
  /** For `rate_limited`: the Retry-After header, seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

/** A request as the provider simulator sees it (path without the provider's prefix). */
export interface SandboxRequest {
  readonly method: string;
  /** Path after the provider prefix, with query: `/v3/mail/send`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SandboxResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  readonly body?: unknown;
}

/** One address on a provider's own suppression list, as a test seeds it (`sandbox.suppressions`). */
export interface SandboxSuppression {
  readonly address: string;
  /** Which of the provider's lists holds it (SES knows bounces and complaints; SendGrid also blocks). */
  readonly list: 'bounces' | 'blocks' | 'spam_reports' | 'complaints' | 'unsubscribes';
  /** The recipient server's reply, for bounces and blocks. */
  readonly reason?: string;
  /** When it was added, epoch ms. */
  readonly createdAt: number;
}

/** Given to a provider simulator for each request. */
export interface SimulatorContext {
  /** Each provider's own suppression list, served in its API's format with paging. */
  readonly suppressions: Record<SandboxProviderKind, SandboxSuppression[]>;
  readonly credentials: SandboxCredentials;
  /** Record an accepted message; returns it. */
  accept(message: Omit<AcceptedMessage, 'receivedAt' | 'provider'>): AcceptedMessage;
  /** A fresh id for the provider's message id format (random hex). */
  newId(): string;
  readonly now: () => number;
}

/**
 * One provider's HTTP API. `handle` answers a real request (auth, validation, accept);
 * `renderFault` answers as the provider does when the fault happens (status, headers, body).
 */
export interface ProviderSimulator {
  readonly kind: SandboxProviderKind;
  handle(request: SandboxRequest, context: SimulatorContext): Promise<SandboxResponse> | SandboxResponse;
  renderFault(fault: Fault, request: SandboxRequest): SandboxResponse;
}

/** One delivery event the sandbox reports through a provider's webhook format. */
export interface SandboxEventSpec {
  /** What happened to the recipient. */
  readonly type: 'delivered' | 'deferred' | 'bounced' | 'dropped';
  /** The accepted message the event is about (its ids and metadata are echoed). */
  readonly message: AcceptedMessage;
  /** The recipient address. */
  readonly recipient: string;
  /** Epoch ms. */
  readonly time: number;
  /** The recipient server's reply, e.g. `450 4.2.0 <u@example.edu>: Recipient address rejected: Greylisted`. */
  readonly smtpReply?: string;
  /** The provider's delivery attempt number. */
  readonly attempt?: number;
  /** The IP the provider sent from. */
  readonly sendingIp?: string;
}

/** A webhook request ready to POST: what the provider would send. */
export interface BuiltWebhook {
  /** Headers to send, signature headers included. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body bytes the signature covers. */
  readonly body: Buffer;
}
