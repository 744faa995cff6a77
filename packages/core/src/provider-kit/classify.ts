/**
 * One classifier builder for every adapter (docs/adapters.md, "errors.ts"). It owns the steps that
 * are the same for every provider, in this order:
 *
 * 1. a `ConfigurationError` (missing key or domain) → `auth_failed`: this provider cannot send;
 * 2. an abort (the engine's signal: an AbortError, or AbortSignal.timeout's DOMException) →
 *    `timeout`, outcome `unknown`;
 * 3. an {@link UnexpectedResponseError} (2xx without a message id) → `unknown`, outcome `unknown`;
 * 4. the adapter's own reading of its provider's answer (`answer`: its tables);
 * 5. Node, undici and axios network and timeout codes, on the error or down its cause chain;
 * 6. the error's text, for errors that lost their code on the way;
 * 7. otherwise `unknown`, outcome `unknown`.
 *
 * Every message is prefixed with the provider's name, scrubbed of secrets and cut to one length.
 * The result is total: the classifier never throws.
 */
import {
  ConfigurationError,
  isAbortError,
  NETWORK_ERROR_CODES,
  NEVER_CONNECTED_CODES,
  scrubSecrets,
  TIMEOUT_ERROR_CODES,
} from '../adapter-kit.js';
import { type FailureCode, type ProviderFailure, providerFailure, type SendOutcome } from '../failures.js';
import { MAX_FAILURE_MESSAGE_LENGTH } from './defaults.js';
import { UnexpectedResponseError } from './unexpected-response.js';

/** One row of an adapter's error table: what an answer means. */
export interface FailureRow {
  /** The taxonomy code. */
  readonly code: FailureCode;
  /** Default `not_sent`; `unknown` where the provider may already hold the message. */
  readonly outcome?: SendOutcome;
  /** Reported as `ProviderFailure.providerCode`: the provider's error name, or a stable name for the row. */
  readonly providerCode?: string;
}

/** What an adapter read from its provider's answer. */
export interface ProviderAnswer {
  /** The row that matched. */
  readonly row: FailureRow;
  /** What the provider said, for people; scrubbed and cut by the builder. */
  readonly text: string;
  /** The HTTP status, when there was one. */
  readonly status?: number;
  /** How long the provider asked to wait, ms. */
  readonly retryAfterMs?: number;
  /** Recipients the provider refused. */
  readonly recipients?: readonly string[];
}

/** What every classifier is given besides the error. */
export interface ClassifyContext {
  /** Secrets to scrub from the message: API keys, tokens, passwords (their base64 forms too). */
  readonly secrets?: readonly (string | undefined)[];
  /** Now, epoch ms, for Retry-After dates. Default `Date.now()`. */
  readonly now?: number;
}

/** A classifier as `createClassifier` builds it: `(error, context) → ProviderFailure`, total. */
export type Classifier<Context extends ClassifyContext = ClassifyContext> = (
  error: unknown,
  context?: Context,
) => ProviderFailure;

/** What an adapter tells the builder about its provider. */
export interface ClassifierSpec<Context extends ClassifyContext> {
  /** The provider's name in messages: `SendGrid`. */
  readonly provider: string;
  /**
   * Read the provider's answer (status, body, error name) through the adapter's tables; undefined
   * when the error is not an answer of the provider (then network codes and text decide).
   */
  answer?(
    error: Record<PropertyKey, unknown>,
    context: Context & { readonly now: number },
  ): ProviderAnswer | undefined;
  /** A network or timeout code the SDK keeps somewhere of its own (a field, the message). */
  networkCode?(error: Record<PropertyKey, unknown>): string | undefined;
  /** Text patterns to scrub besides the secrets (a token format the provider uses). */
  readonly scrub?: readonly RegExp[];
  /** Further forms of each secret as it may appear in an error (Mailgun's `api:<key>`). */
  secretForms?(secret: string): readonly string[];
}

/** Build the adapter's `classifyError`. */
export function createClassifier<Context extends ClassifyContext = ClassifyContext>(
  spec: ClassifierSpec<Context>,
): Classifier<Context> {
  return (error, context) => {
    const secrets = (context?.secrets ?? []).flatMap((secret) =>
      secret ? [secret, ...(spec.secretForms?.(secret) ?? [])] : [],
    );
    const clean = (text: string, prefixed = true) => {
      let scrubbed = scrubSecrets(prefixed ? `${spec.provider}: ${text}` : text, secrets);
      for (const pattern of spec.scrub ?? []) scrubbed = scrubbed.replace(pattern, '[redacted]');
      return scrubbed.length > MAX_FAILURE_MESSAGE_LENGTH
        ? `${scrubbed.slice(0, MAX_FAILURE_MESSAGE_LENGTH - 1)}…`
        : scrubbed;
    };
    try {
      return classify(spec, error, { ...(context as Context), now: context?.now ?? Date.now() }, clean);
    } catch {
      return providerFailure('unknown', clean('an error that could not be read'), { outcome: 'unknown' });
    }
  };
}

function classify<Context extends ClassifyContext>(
  spec: ClassifierSpec<Context>,
  error: unknown,
  context: Context & { readonly now: number },
  clean: (text: string, prefixed?: boolean) => string,
): ProviderFailure {
  const build = (row: FailureRow, text: string, extra: Partial<ProviderFailure> = {}) =>
    providerFailure(row.code, clean(text, !ConfigurationError.isInstance(error)), {
      outcome: row.outcome ?? 'not_sent',
      providerCode: row.providerCode,
      ...extra,
    });
  if (ConfigurationError.isInstance(error)) {
    return build({ code: 'auth_failed', providerCode: 'configuration' }, error.message);
  }
  // The engine's abort: an AbortError, or the DOMException of AbortSignal.timeout (an SDK's own
  // TimeoutError, a plain Error, is its table's to read).
  if (isAbortError(error) && (error instanceof DOMException || (error as Error).name === 'AbortError')) {
    return build(
      { code: 'timeout', outcome: 'unknown', providerCode: 'aborted' },
      'the send was aborted before an answer came',
    );
  }
  if (UnexpectedResponseError.isInstance(error)) {
    return build(
      { code: 'unknown', outcome: 'unknown', providerCode: 'unexpected_response' },
      error.message.replace(`${spec.provider} `, ''),
      error.status > 0 ? { status: error.status } : {},
    );
  }
  if (typeof error !== 'object' || error === null) {
    return build({ code: 'unknown', outcome: 'unknown' }, `unexpected ${typeof error} thrown`);
  }
  const fields = error as Record<PropertyKey, unknown>;
  const answer = spec.answer?.(fields, context);
  if (answer) {
    return build(answer.row, answer.text, {
      status: answer.status,
      retryAfterMs: answer.retryAfterMs,
      recipients: answer.recipients && answer.recipients.length > 0 ? answer.recipients : undefined,
    });
  }
  const text = textOf(fields.message);
  const code = spec.networkCode?.(fields) ?? causeCode(fields);
  const byCode = code ? networkRow(code) : undefined;
  if (byCode) return build(byCode, text && text !== code ? `${text} (${code})` : code!);
  const byText = textRow(text);
  if (byText) return build(byText, text);
  return build(
    { code: 'unknown', outcome: 'unknown', providerCode: code ?? nameOf(fields) },
    text || 'the send failed',
  );
}

/** What a Node / undici / axios error code means; undefined for a code that is not a network one. */
export function networkRow(code: string): FailureRow | undefined {
  // undici's connect timeout fires before anything was sent.
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return { code: 'timeout', providerCode: code };
  if (TIMEOUT_ERROR_CODES.has(code)) return { code: 'timeout', outcome: 'unknown', providerCode: code };
  if (NEVER_CONNECTED_CODES.has(code)) return { code: 'network', providerCode: code };
  if (NETWORK_ERROR_CODES.has(code)) return { code: 'network', outcome: 'unknown', providerCode: code };
  return undefined;
}

/** The error's text, read last: for errors that lost their code on the way. */
function textRow(text: string): FailureRow | undefined {
  if (/timeout|timed? ?out|operation was aborted/i.test(text))
    return { code: 'timeout', outcome: 'unknown', providerCode: 'timeout' };
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text))
    return { code: 'network', providerCode: 'connect_failed' };
  if (/ECONNRESET|socket hang up|socket close|connection closed|EPIPE|fetch failed|network/i.test(text))
    return { code: 'network', outcome: 'unknown', providerCode: 'connection_lost' };
  if (/too many requests|rate limit|throttl/i.test(text))
    return { code: 'rate_limited', providerCode: 'rate_limited' };
  return undefined;
}

/** The first string `code` on the error or down its cause chain (undici: `fetch failed` → cause). */
export function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const fields = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof fields.code === 'string' && fields.code !== '') return fields.code;
    current = fields.cause ?? (Array.isArray(fields.errors) ? fields.errors[0] : undefined);
  }
  return undefined;
}

/**
 * The row for an HTTP status no table row matched: 401/403/404 a configuration fault of this
 * provider, 413 a limit of it, 429 a rate limit, 5xx unavailable (the message may have been
 * taken), any other 4xx `otherwise`.
 */
export function statusRow(status: number, otherwise: FailureCode = 'unknown'): FailureRow {
  const providerCode = `http_${status}`;
  if (status === 429) return { code: 'rate_limited', providerCode };
  if (status === 401 || status === 403 || status === 404) return { code: 'auth_failed', providerCode };
  if (status === 413) return { code: 'message_rejected', providerCode };
  if (status >= 500) return { code: 'provider_unavailable', outcome: 'unknown', providerCode };
  if (status >= 200 && status < 300) return { code: 'unknown', outcome: 'unknown', providerCode };
  return {
    code: otherwise,
    ...(otherwise === 'unknown' ? { outcome: 'unknown' as const } : {}),
    providerCode,
  };
}

/** A string field, or '' (never throws on a getter). */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A positive integer status from a number or numeric string. */
export function statusOf(value: unknown): number | undefined {
  const status = typeof value === 'string' ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status > 0 ? status : undefined;
}

function nameOf(fields: Record<PropertyKey, unknown>): string | undefined {
  return typeof fields.name === 'string' && fields.name !== 'Error' ? fields.name : undefined;
}
