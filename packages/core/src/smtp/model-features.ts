/**
 * The features the learned model (model.ts) reads from a parsed reply: its code class, basic code
 * and enhanced code (whole, class.subject, subject.detail), and its words, lowercased and cut to
 * their first letters (a crude stem: `rejected`, `rejecting` → `reject`), as unigrams and bigrams.
 * An address or a host name counts as one placeholder word, digits as none. The training script
 * (scripts/smtp-corpus/train.ts) and the classifier share this function, so the model sees at run
 * time what it was trained on (docs/smtp-classifier.md, "The learned model"). A character loop, no
 * regular expression: linear in the text, which the parser has cut to MAX_INPUT.
 */
import type { ParsedSmtpReply } from './parse.js';

/**
 * Space-separated chunks read of a reply: the longest reply in the corpus has 92. A hostile 2 000
 * characters of one-letter words (the parser's MAX_INPUT) took the classifier from 26 to 97 µs
 * before this cap (bench/classify); nothing a server writes is cut by it.
 */
const MAX_CHUNKS = 160;

/** Letters kept of each word. */
export const STEM_LETTERS = 7;
const ADDRESS = '_addr';
const HOST = '_host';

/** The features of one reply, in text order, repeats included (the model counts each once). */
export function modelFeatures(reply: ParsedSmtpReply): string[] {
  const features: string[] = [];
  forEachFeature(reply, (feature) => {
    features.push(feature);
  });
  return features;
}

/** Calls `visit` with each feature of the reply, as modelFeatures lists them. */
export function forEachFeature(reply: ParsedSmtpReply, visit: (feature: string) => void): void {
  forEachCodeFeature(reply, visit);
  let previous = '';
  forEachWord(reply.text, (text, start, end, placeholder) => {
    const word = placeholder ?? text.slice(start, end).toLowerCase();
    visit(word);
    if (previous !== '') visit(`${previous} ${word}`);
    previous = word;
  });
}

/**
 * Calls `visit` with the hash (featureHash) of each feature of the reply, as modelFeatures lists
 * them, without building their strings: the classifier's path.
 */
export function forEachFeatureHash(reply: ParsedSmtpReply, visit: (hash: number) => void): void {
  forEachCodeFeature(reply, (feature) => visit(featureHash(feature)));
  hashVisit = visit;
  previousHash = -1;
  forEachWord(reply.text, visitWordHash);
}

let hashVisit: (hash: number) => void = () => {};
let previousHash = -1;

function visitWordHash(text: string, start: number, end: number, placeholder: string | undefined): void {
  const hash =
    placeholder === undefined ? hashLetters(FNV_OFFSET, text, start, end) : featureHash(placeholder);
  hashVisit(hash);
  if (previousHash !== -1) {
    const spaced = Math.imul(previousHash ^ 32, FNV_PRIME) >>> 0;
    hashVisit(
      placeholder === undefined ? hashLetters(spaced, text, start, end) : hashString(spaced, placeholder),
    );
  }
  previousHash = hash;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The 32-bit FNV-1a hash of a feature's name: how the classifier looks features up. */
export function featureHash(feature: string): number {
  return hashString(FNV_OFFSET, feature);
}

function hashString(hash: number, text: string): number {
  let result = hash;
  for (let index = 0; index < text.length; index++)
    result = Math.imul(result ^ text.charCodeAt(index), FNV_PRIME) >>> 0;
  return result;
}

// Letters only: `| 0x20` is their lowercase.
function hashLetters(hash: number, text: string, start: number, end: number): number {
  let result = hash;
  for (let index = start; index < end; index++) {
    result = Math.imul(result ^ (text.charCodeAt(index) | 0x20), FNV_PRIME) >>> 0;
  }
  return result;
}

function forEachCodeFeature(reply: ParsedSmtpReply, visit: (feature: string) => void): void {
  visit(`_c${reply.replyClass}`);
  if (reply.basic !== 0) visit(`_b${reply.basic}`);
  if (reply.enhanced) {
    const [codeClass, subject, detail] = reply.enhanced.split('.');
    visit(`_e${reply.enhanced}`);
    visit(`_s${codeClass}.${subject}`);
    visit(`_d${subject}.${detail}`);
  }
}

/**
 * Calls `visit` with each word of the text: a placeholder for a space-free chunk that is an
 * address or a host name, else each run of ASCII letters, cut to STEM_LETTERS (`start`–`end`).
 */
function forEachWord(
  text: string,
  visit: (text: string, start: number, end: number, placeholder: string | undefined) => void,
): void {
  let chunkStart = 0;
  let chunks = 0;
  const length = text.length;
  for (let position = 0; position <= length; position++) {
    if (position < length && text.charCodeAt(position) !== 32) continue;
    if (position > chunkStart) {
      if (++chunks > MAX_CHUNKS) return;
      const placeholder = placeholderOf(text, chunkStart, position);
      if (placeholder !== undefined) visit(text, chunkStart, position, placeholder);
      let wordStart = -1;
      for (let at = chunkStart; placeholder === undefined && at <= position; at++) {
        // `| 0x20` lowercases A–Z and leaves every non-letter outside a–z.
        const code = at < position ? text.charCodeAt(at) | 0x20 : 0;
        const letter = code >= 97 && code <= 122;
        if (letter && wordStart === -1) wordStart = at;
        if (!letter && wordStart !== -1) {
          visit(text, wordStart, Math.min(at, wordStart + STEM_LETTERS), undefined);
          wordStart = -1;
        }
      }
    }
    chunkStart = position + 1;
  }
}

// One placeholder for a space-free chunk that is an address (has an @) or a host name (a dot
// between two letters or digits), else undefined.
function placeholderOf(text: string, start: number, end: number): string | undefined {
  let dotted = false;
  for (let position = start; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code === 64) return ADDRESS;
    if (code === 46 && position > start && position + 1 < end) {
      dotted ||=
        isAlphanumeric(text.charCodeAt(position - 1)) && isAlphanumeric(text.charCodeAt(position + 1));
    }
  }
  return dotted ? HOST : undefined;
}

function isAlphanumeric(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57);
}
