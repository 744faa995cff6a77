/** Small building blocks shared by the message schemas: one way to report a refusal, and safe text. */
import { z } from 'zod/mini';
import { controlCharacterProblem } from './address.js';

/** Where a check or transform reports its issues. */
export type Context = z.core.$RefinementCtx<unknown> | z.core.ParsePayload<unknown>;

/** Report `message` at `path` (relative to the value being checked). */
export function refuse(context: Context, message: string, path: PropertyKey[] = []): void {
  context.issues.push({ code: 'custom', message, path, input: context.value });
}

/** Printable ASCII only (space included): what provider APIs accept in tags and keys. */
export const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/** A string with no CR, LF or NUL, checked further by `problemFor`; `whenMissing` words a missing value. */
export function safeText(problemFor: (value: string) => string | undefined, whenMissing?: string) {
  const error = whenMissing
    ? (issue: { input?: unknown }) => (issue.input === undefined ? whenMissing : undefined)
    : undefined;
  return z.string({ error }).check(
    z.superRefine((value: string, context) => {
      const problem = controlCharacterProblem(value) ?? problemFor(value);
      if (problem) refuse(context, problem);
    }),
  );
}

/** Report `message` on the value itself, from inside a transform. */
export function refuseValue(context: Context, message: string): never {
  refuse(context, message);
  return z.NEVER;
}

// Checks over a whole record or array still run when one entry failed, so every issue is reported.
export const everyEntry = { when: (payload: z.core.ParsePayload) => isRecord(payload.value) };
export const everyElement = { when: (payload: z.core.ParsePayload) => Array.isArray(payload.value) };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reason a text is over `limit` characters, or undefined. */
export function tooLong(text: string, limit: number): string | undefined {
  return text.length > limit ? `is ${text.length} characters; the limit is ${limit}` : undefined;
}
