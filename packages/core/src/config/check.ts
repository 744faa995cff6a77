/**
 * Checks for options, run once when a mailer, store or provider is built. A value left blank,
 * non-finite or out of range is a ConfigurationError that names the option: `Number(process.env.X)`
 * of an unset variable is NaN, and a NaN limit quietly switched its check off. docs/security.md.
 */
import { ConfigurationError } from '../adapter-kit.js';

/** What a numeric option may be. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** The unit, for the message (`ms`, `bytes`). */
  readonly unit?: string;
}

/** How a value looks in an error message: short, and never a secret (numbers and types only). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return value.trim() === '' ? 'a blank string' : `the string ${JSON.stringify(value.slice(0, 20))}`;
  return value === null ? 'null' : typeof value;
}

function wanted(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a finite number';
  const unit = rule.unit ? ` (${rule.unit})` : '';
  if (rule.min !== undefined && rule.max !== undefined)
    return `${kind}${unit} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind}${unit} of at least ${rule.min}`;
  return `${kind}${unit}`;
}

/**
 * `value` when it is a number that keeps `rule`, `fallback` when it is undefined, else a
 * ConfigurationError: `owner: option must be … (got …); leave it out for the default …`.
 */
export function numberOption(
  owner: string,
  option: string,
  value: unknown,
  fallback: number,
  rule: NumberRule = {},
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (rule.integer === true && !Number.isInteger(value)) ||
    (rule.min !== undefined && value < rule.min) ||
    (rule.max !== undefined && value > rule.max)
  ) {
    throw new ConfigurationError(
      `${owner}: ${option} must be ${wanted(rule)} (got ${shown(value)}); leave it out for the default, ${fallback}`,
    );
  }
  return value;
}

/** `value` when it is one of `allowed`, `fallback` when undefined, else a ConfigurationError. */
export function choiceOption<Choice extends string>(
  owner: string,
  option: string,
  value: unknown,
  allowed: readonly Choice[],
  fallback: Choice,
): Choice {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as Choice;
  throw new ConfigurationError(
    `${owner}: ${option} must be one of ${allowed.map((choice) => `'${choice}'`).join(', ')} (got ${shown(value)})`,
  );
}

/**
 * Refuse a key an option group does not have: `retry: { baseDelayMs: 1 }` would otherwise pass
 * silently and leave the default in force. The message names the key and the group's real keys.
 */
export function knownKeys(owner: string, group: string, value: unknown, keys: readonly string[]): void {
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    if (keys.includes(key)) continue;
    throw new ConfigurationError(
      `${owner}: ${group}.${key} is not an option (${group} takes ${keys.join(', ')}); check its spelling`,
    );
  }
}
