/**
 * One message's story across providers, from the journal's provider-side facts: each API call and
 * its answer or fault, the waits between calls, the failovers, each copy accepted, each webhook
 * POSTed, deferrals with their classified SMTP reply, a greylisting loop once the evidence makes one
 * (the rules of docs/greylisting.md) and the re-send that follows it. Pure, so it is tested
 * without a browser; the page only draws it (docs/sandbox-view.md).
 */
import { classifySmtpReply, DEFAULT_GREYLIST_POLICY, detectGreylistLoop } from '@mailover/core';
import type { SandboxProviderKind } from '../types.js';
import type { CallEvent, JournalEvent, WebhookEvent } from './journal.js';

/** What a timeline entry is, for its colour and icon. */
export type TimelineKind =
  | 'call' // an API call and its answer or fault
  | 'wait' // time between two calls for the message
  | 'failover' // the next call went to another provider
  | 'accepted' // a provider accepted a copy
  | 'webhook' // a delivery event POSTed to the app
  | 'loop' // the deferrals amount to a greylisting loop
  | 'resend'; // a copy accepted after the loop: the re-send

/** Good, bad, or in between. */
export type TimelineTone = 'ok' | 'fault' | 'warn' | 'info';

export interface TimelineEntry {
  readonly kind: TimelineKind;
  readonly tone: TimelineTone;
  /** Epoch ms. */
  readonly time: number;
  /** Since the first entry, ms. */
  readonly offsetMs: number;
  readonly provider?: SandboxProviderKind;
  /** One line for people. */
  readonly title: string;
  /** More detail (SMTP reply, classification, URL), when there is some. */
  readonly detail?: string;
  /** The accepted copy this entry is about (`/_sandbox/messages/:id`). */
  readonly id?: number;
  /** For `wait`: how long, ms. */
  readonly durationMs?: number;
}

export interface Timeline {
  readonly messageId?: string;
  /** The providers that appear, in order of first appearance (the lanes). */
  readonly providers: readonly SandboxProviderKind[];
  readonly startedAt: number;
  readonly entries: readonly TimelineEntry[];
}

const RANK: Readonly<Record<JournalEvent['type'], number>> = {
  call: 0,
  accepted: 1,
  webhook: 2,
  faults: 3,
  reset: 4,
};

export function buildTimeline(events: readonly JournalEvent[], messageId?: string): Timeline {
  // A call is recorded once answered, after the copy it made the provider accept, but it is timed
  // from its start: within one millisecond, the call goes first, then the copy, then webhooks.
  const sorted = [...events].sort((a, b) => a.time - b.time || RANK[a.type] - RANK[b.type] || a.seq - b.seq);
  const startedAt = sorted[0]?.time ?? 0;
  const entries: TimelineEntry[] = [];
  const providers: SandboxProviderKind[] = [];
  const push = (entry: Omit<TimelineEntry, 'offsetMs'>) => {
    entries.push({ ...entry, offsetMs: entry.time - startedAt });
    if (entry.provider && !providers.includes(entry.provider)) providers.push(entry.provider);
  };
  let previousCall: CallEvent | undefined;
  // Greylisting evidence per (accepted copy, recipient), and whether a loop was seen.
  const evidence = new Map<
    string,
    { time: number; provider: string; sendingIp?: string; attempt?: number }[]
  >();
  const looped = new Set<string>();
  let loopSeenAt: number | undefined;
  const acceptedBy = new Set<SandboxProviderKind>();

  for (const event of sorted) {
    if (event.type === 'call') {
      if (previousCall) {
        const waited = event.time - (previousCall.time + previousCall.durationMs);
        push({
          kind: 'wait',
          tone: 'info',
          time: previousCall.time + previousCall.durationMs,
          durationMs: Math.max(0, waited),
          title: `waited ${formatMs(Math.max(0, waited))}`,
          ...(previousCall.retryAfterSeconds !== undefined
            ? { detail: `the answer asked for Retry-After: ${previousCall.retryAfterSeconds} s` }
            : {}),
        });
        if (previousCall.provider !== event.provider) {
          push({
            kind: 'failover',
            tone: 'warn',
            time: event.time,
            provider: event.provider,
            title: `failover ${previousCall.provider} → ${event.provider}`,
          });
        }
      }
      push(callEntry(event));
      previousCall = event;
      continue;
    }
    if (event.type === 'accepted') {
      const resend = loopSeenAt !== undefined && event.time >= loopSeenAt;
      push({
        kind: resend ? 'resend' : 'accepted',
        tone: 'ok',
        time: event.time,
        provider: event.provider,
        id: event.id,
        title: resend
          ? `re-sent through ${event.provider} after the greylisting loop (same Message-ID)`
          : acceptedBy.has(event.provider)
            ? `${event.provider} accepted another copy`
            : `${event.provider} accepted a copy`,
        detail: `provider id ${event.providerMessageId} → ${event.recipients.join(', ')}`,
      });
      acceptedBy.add(event.provider);
      continue;
    }
    if (event.type === 'webhook') {
      push(webhookEntry(event));
      if (event.event !== 'deferred' || !event.smtpReply) continue;
      if (classifySmtpReply(event.smtpReply).category !== 'greylisting') continue;
      const key = `${event.providerMessageId} ${event.recipient}`;
      if (looped.has(key)) continue;
      const seen = evidence.get(key) ?? [];
      seen.push({
        time: event.time,
        provider: event.provider,
        ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
        ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
      });
      evidence.set(key, seen);
      const verdict = detectGreylistLoop(seen, DEFAULT_GREYLIST_POLICY, event.time);
      if (verdict.loop) {
        looped.add(key);
        loopSeenAt ??= event.time;
        push({
          kind: 'loop',
          tone: 'fault',
          time: event.time,
          provider: event.provider,
          ...(event.id === undefined ? {} : { id: event.id }),
          title: `greylisting loop for ${event.recipient} at ${event.provider}`,
          detail: verdict.detail,
        });
      }
    }
  }
  return { ...(messageId ? { messageId } : {}), providers, startedAt, entries };
}

function callEntry(event: CallEvent): Omit<TimelineEntry, 'offsetMs'> {
  const request = `${event.method} ${event.path}`;
  const base = { kind: 'call' as const, time: event.time, provider: event.provider };
  const took = `answered in ${formatMs(event.durationMs)}`;
  switch (event.outcome) {
    case 'hang':
      return {
        ...base,
        tone: 'fault',
        title: `${request} → no answer (hang)`,
        detail: 'the client times out',
      };
    case 'reset':
      return { ...base, tone: 'fault', title: `${request} → connection reset`, detail: 'no answer' };
    case 'accept_then_reset':
    case 'accept_then_hang':
      return {
        ...base,
        tone: 'warn',
        ...(event.acceptedId === undefined ? {} : { id: event.acceptedId }),
        title: `${request} → accepted, then ${event.outcome === 'accept_then_reset' ? 'connection reset' : 'no answer'}`,
        detail: 'the provider took the message but the client never hears so: a retry may send it twice',
      };
    default: {
      const status = event.status ?? 0;
      const ok = status >= 200 && status < 300 && event.fault !== 'malformed';
      const fault = event.fault ? ` ${event.fault.replaceAll('_', ' ')}` : '';
      const retry =
        event.retryAfterSeconds === undefined ? '' : ` (Retry-After: ${event.retryAfterSeconds} s)`;
      return {
        ...base,
        tone: ok ? 'ok' : 'fault',
        ...(event.acceptedId === undefined ? {} : { id: event.acceptedId }),
        title: `${request} → ${status}${fault}${retry}`,
        detail: took,
      };
    }
  }
}

function webhookEntry(event: WebhookEvent): Omit<TimelineEntry, 'offsetMs'> {
  const posted = event.status >= 200 && event.status < 300;
  const post =
    event.status === 0
      ? `webhook to ${event.url} could not be delivered (${event.tries} tries)`
      : `signed webhook POSTed to ${event.url} → ${event.status}${event.tries > 1 ? ` after ${event.tries} tries` : ''}`;
  const from = [
    event.attempt === undefined ? '' : `attempt ${event.attempt}`,
    event.sendingIp ? `from ${event.sendingIp}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [post];
  if (event.smtpReply) {
    const classified = classifySmtpReply(event.smtpReply);
    lines.push(`SMTP reply: ${event.smtpReply}`);
    if (event.event !== 'delivered')
      lines.push(`classified ${classified.category.replaceAll('_', ' ')}: ${classified.explanation}`);
  }
  const tone: TimelineTone = !posted
    ? 'fault'
    : event.event === 'delivered'
      ? 'ok'
      : event.event === 'deferred'
        ? 'warn'
        : 'fault';
  return {
    kind: 'webhook',
    tone,
    time: event.time,
    provider: event.provider,
    ...(event.id === undefined ? {} : { id: event.id }),
    title: `${event.event} ${event.recipient}${from ? ` (${from})` : ''}`,
    detail: lines.join('\n'),
  };
}

/** `850 ms`, `1.2 s`, `3 min`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
