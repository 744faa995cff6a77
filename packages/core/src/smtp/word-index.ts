/**
 * A word index over the rules' keys, so that a reply is tested only against the few rules whose
 * words it contains (docs/smtp-classifier.md, "Speed"). A key of six letters or more matches every
 * word that starts with its first six letters (`greylisted` matches greylisted, greylisting); a
 * shorter key matches that word only (`spf`, `grey`, `mail`). Words are runs of ASCII letters, any
 * case.
 */

/** Something looked up by its keys: a text rule, a system or a blocklist. */
export interface Keyed {
  /** Lowercase words, at least one of which every match of the entry's pattern contains. */
  readonly keys: readonly string[];
}

export interface WordIndex {
  /** Entries by key id (keyId), as positions in the array the index was built from. */
  readonly byId: readonly (readonly number[] | undefined)[];
  readonly size: number;
}

// Every key any index uses gets a small id, so that a text's words are looked up once (one Map
// lookup a word) and each index then reads an array.
const KEY_IDS = new Map<number, number>();

/** The id of a key (see keyOf), registered on first use. */
export function keyId(key: number): number {
  let id = KEY_IDS.get(key);
  if (id === undefined) {
    id = KEY_IDS.size;
    KEY_IDS.set(key, id);
  }
  return id;
}

/** Letters of a word that make its key: 5 bits each, 30 bits in all. */
const KEY_LETTERS = 6;

/** The first six letters of a lowercase word, as a number (5 bits a letter). */
export function keyOf(word: string): number {
  let key = 0;
  const length = Math.min(KEY_LETTERS, word.length);
  for (let index = 0; index < length; index++) key |= (word.charCodeAt(index) - 96) << (5 * index);
  return key;
}

export function buildWordIndex(entries: readonly Keyed[]): WordIndex {
  const byId: number[][] = [];
  entries.forEach((entry, position) => {
    for (const key of entry.keys) {
      if (!/^[a-z]+$/.test(key))
        throw new Error(`word-index key ${JSON.stringify(key)} is not lowercase letters`);
      const id = keyId(keyOf(key));
      const list = byId[id];
      if (!list) byId[id] = [position];
      else if (!list.includes(position)) list.push(position);
    }
  });
  return { byId, size: entries.length };
}

/**
 * The words of one text that some index has a key for: their key ids and where each starts.
 * Reused between texts.
 */
export class Words {
  ids = new Int32Array(64);
  starts = new Int32Array(64);
  count = 0;

  /** Reads the words of `text` (runs of ASCII letters, any case). */
  read(text: string): this {
    let count = 0;
    let key = 0;
    let letters = 0;
    let start = 0;
    const length = text.length;
    for (let position = 0; position <= length; position++) {
      // `| 0x20` lowercases A–Z and leaves every non-letter outside a–z.
      const code = position < length ? text.charCodeAt(position) | 0x20 : 0;
      if (code >= 97 && code <= 122) {
        if (letters === 0) start = position;
        if (letters < KEY_LETTERS) key |= (code - 96) << (5 * letters);
        letters++;
        continue;
      }
      if (letters > 0) {
        const id = KEY_IDS.get(key);
        if (id !== undefined) {
          if (count === this.ids.length) this.grow();
          this.ids[count] = id;
          this.starts[count] = start;
          count++;
        }
        key = 0;
        letters = 0;
      }
    }
    this.count = count;
    return this;
  }

  /** Whether one of the words has a key among `ids` (from keyId). */
  hasAny(ids: readonly number[]): boolean {
    for (let index = 0; index < this.count; index++) if (ids.includes(this.ids[index]!)) return true;
    return false;
  }

  private grow(): void {
    this.ids = doubled(this.ids);
    this.starts = doubled(this.starts);
  }
}

/**
 * Finds, for a text, the first alternative (in the order of the entries) that matches: only
 * alternatives with a key among the text's words are tried, anchored ones only where those words
 * start. Scratch arrays are kept between calls, so a call allocates nothing.
 */
export class AlternativeMatcher {
  readonly alternatives: readonly Alternative[];
  private readonly index: WordIndex;
  private readonly marks: Uint32Array;
  private readonly head: Int32Array;
  private readonly bits: Uint32Array;
  private hitPosition = new Int32Array(256);
  private hitNext = new Int32Array(256);
  private stamp = 0;

  constructor(entries: readonly (Keyed & { readonly pattern: RegExp })[]) {
    this.alternatives = splitAlternatives(entries);
    this.index = buildWordIndex(this.alternatives);
    this.marks = new Uint32Array(this.alternatives.length);
    this.head = new Int32Array(this.alternatives.length);
    this.bits = new Uint32Array(Math.ceil(this.alternatives.length / 32));
  }

  /**
   * The entry (position in the constructor's array) of the first alternative that matches `text`
   * and that `accept` lets through (given the entry and the alternative's number), or -1.
   */
  first(text: string, words: Words, accept: (entry: number, alternative: number) => boolean): number {
    this.collect(words);
    const { alternatives, bits, head, hitNext, hitPosition } = this;
    let result = -1;
    for (let word = 0; word < bits.length && result === -1; word++) {
      let set = bits[word]!;
      while (set !== 0) {
        const number = (word << 5) + 31 - Math.clz32(set & -set);
        set &= set - 1;
        const alternative = alternatives[number]!;
        if (!accept(alternative.entry, number)) continue;
        if (!alternative.anchored) {
          alternative.pattern.lastIndex = 0;
          if (alternative.pattern.test(text)) result = alternative.entry;
        } else {
          for (let hit = head[number]!; hit !== -1 && result === -1; hit = hitNext[hit]!) {
            alternative.pattern.lastIndex = hitPosition[hit]!;
            if (alternative.pattern.test(text)) result = alternative.entry;
          }
        }
        if (result !== -1) break;
      }
    }
    bits.fill(0);
    return result;
  }

  private collect(words: Words): void {
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.marks.fill(0);
      this.stamp = 1;
    }
    const { marks, head, bits, stamp } = this;
    const byId = this.index.byId;
    let count = 0;
    for (let word = 0; word < words.count; word++) {
      const found = byId[words.ids[word]!];
      if (!found) continue;
      for (const number of found) {
        if (marks[number] !== stamp) {
          marks[number] = stamp;
          head[number] = -1;
          bits[number >> 5]! |= 1 << (number & 31);
        }
        if (count === this.hitPosition.length) this.grow();
        this.hitPosition[count] = words.starts[word]!;
        this.hitNext[count] = head[number]!;
        head[number] = count;
        count++;
      }
    }
  }

  private grow(): void {
    this.hitPosition = doubled(this.hitPosition);
    this.hitNext = doubled(this.hitNext);
  }
}

/** A copy of `array` with twice the room. */
function doubled(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/** One top-level alternative of an entry's pattern, with the keys read from its leading word. */
export interface Alternative {
  /** Position of the entry it belongs to. */
  readonly entry: number;
  readonly keys: readonly string[];
  /**
   * True when the keys are the alternative's leading word: a match can only start where that word
   * does, so `pattern` is sticky and is tried at those positions only. Otherwise it is the entry's
   * keys and `pattern` scans the text.
   */
  readonly anchored: boolean;
  readonly pattern: RegExp;
}

/**
 * Splits each entry's pattern at its top-level `|` into alternatives, and reads each one's keys
 * from the word it starts with (`\bover ?quota` → `over`; `(?:sending|daily) quota` → both
 * words). An alternative that does not start with a plain word takes the entry's own keys. Small
 * alternatives with exact keys make the index precise: a reply is tested against a few short
 * expressions instead of every long one.
 */
export function splitAlternatives(entries: readonly (Keyed & { readonly pattern: RegExp })[]): Alternative[] {
  const result: Alternative[] = [];
  entries.forEach((entry, position) => {
    for (const source of topLevel(entry.pattern.source)) {
      const words = anchoredWords(source);
      result.push({
        entry: position,
        keys: words ?? entry.keys,
        anchored: words !== undefined,
        pattern: new RegExp(source, words ? `${entry.pattern.flags}y` : entry.pattern.flags),
      });
    }
  });
  return result;
}

// The top-level alternatives of a regular expression's source (outside groups and classes).
function topLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') {
      index++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      depth++;
    } else if (char === ')') {
      depth--;
    } else if (char === '|' && depth === 0) {
      parts.push(source.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

// The end of the group that opens at `open` (the index of its `(`), or -1.
function groupEnd(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let index = open; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') index++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}

const QUANTIFIER = /^[?*{+]/;
// Pattern text that cannot be part of a word: a separator, a digit, a letterless escape or class,
// a word boundary. `\b` and `$` end a word without consuming anything.
const SEPARATOR = /^(?:[ '":;,./_=<>#@!%&+\d-]|\\[bdsW.()/[\]#-]|\[(?!\^)[^\]a-zA-Z\\]*\]|\$)/;
/** Alternatives and words read from one alternative's start, at most. */
const MAX_KEYS = 24;

// Keys from the leading word only when the match must start at a word's start (`\b`, `^`):
// elsewhere it could start inside a longer word, whose first letters are not the pattern's.
function anchoredWords(source: string): string[] | undefined {
  if (!source.startsWith('\\b') && !source.startsWith('^')) return undefined;
  const keys = wordKeys(source.replace(/^(?:\\b|\^)+/, ''), 0);
  return keys && keys.length <= MAX_KEYS ? [...new Set(keys)] : undefined;
}

/**
 * The keys of the word `pattern` starts with: each way the pattern can spell its first word gives
 * one (`mail ?box` → `mail` and `mailbo`; `hosts?` → `host`, `hosts`), or undefined when the start
 * is not a plain word (then the entry's own keys are used).
 */
function wordKeys(pattern: string, depth: number): string[] | undefined {
  if (depth > 6) return undefined;
  if (pattern.startsWith('(?:')) {
    const end = groupEnd(pattern, 0);
    if (end === -1) return undefined;
    const rest = pattern.slice(end + 1);
    const alternatives = topLevel(pattern.slice(3, end));
    if (rest.startsWith('?'))
      return union([...alternatives.map((alt) => alt + rest.slice(1)), rest.slice(1)], depth);
    if (QUANTIFIER.test(rest)) return undefined;
    return union(
      alternatives.map((alt) => alt + rest),
      depth,
    );
  }
  let letters = 0;
  while (letters < pattern.length && /[A-Za-z]/.test(pattern[letters]!)) {
    // An optional letter: the word is spelled with it and without it.
    if (pattern[letters + 1] === '?') {
      const before = pattern.slice(0, letters);
      const after = pattern.slice(letters + 2);
      return union([before + pattern[letters] + after, before + after], depth);
    }
    if (QUANTIFIER.test(pattern.slice(letters + 1))) return undefined;
    letters++;
  }
  const word = pattern.slice(0, letters).toLowerCase();
  if (word.length >= KEY_LETTERS) return [word.slice(0, KEY_LETTERS)];
  if (word.length === 0) return undefined;
  const next = pattern.slice(letters);
  if (next.startsWith('(?:')) {
    // A group right after a short word: the word goes on with each of its alternatives.
    const end = groupEnd(next, 0);
    if (end === -1) return undefined;
    const rest = next.slice(end + 1);
    const alternatives = topLevel(next.slice(3, end));
    const optional = rest.startsWith('?');
    if (!optional && QUANTIFIER.test(rest)) return undefined;
    const tail = optional ? rest.slice(1) : rest;
    return union(
      [...alternatives.map((alt) => word + alt + tail), ...(optional ? [word + tail] : [])],
      depth,
    );
  }
  const separator = SEPARATOR.exec(next);
  if (!separator) return undefined;
  const afterSeparator = next.slice(separator[0].length);
  // An optional separator: the word may also run on into what follows it.
  if (separator[0] !== '\\b' && separator[0] !== '$' && /^[?*]/.test(afterSeparator)) {
    const joined = wordKeys(word + afterSeparator.slice(1), depth + 1);
    return joined ? [word, ...joined] : undefined;
  }
  return [word];
}

function union(patterns: readonly string[], depth: number): string[] | undefined {
  const keys: string[] = [];
  for (const pattern of patterns) {
    const found = wordKeys(pattern, depth + 1);
    if (!found) return undefined;
    keys.push(...found);
    if (keys.length > MAX_KEYS) return undefined;
  }
  return keys;
}
