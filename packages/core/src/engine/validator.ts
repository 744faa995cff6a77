/**
 * The validator (and zod with it) loads on the first send, not when `@mailover/core` is imported:
 * a cold start that never sends, or sends later, does not pay for it up front.
 */
import { lazy } from '../adapter-kit.js';
import type { normalizeMessage } from '../message/normalize.js';

const load = lazy(() => import('../message/normalize.js'));
let loaded: typeof normalizeMessage | undefined;

/** The validator if a send already loaded it: later sends call it without awaiting. */
export function loadedValidator(): typeof normalizeMessage | undefined {
  return loaded;
}

export async function loadValidator(): Promise<typeof normalizeMessage> {
  loaded ??= (await load()).normalizeMessage;
  return loaded;
}
