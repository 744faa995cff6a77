import type { SandboxAddress } from '../types.js';

/**
 * Split a Postmark address field (`"Doe, Jane" <jane@example.com>, bob@example.com`) into
 * addresses. Commas inside quotes or angle brackets do not separate addresses.
 * Returns null when an entry has no usable address, as Postmark then refuses the request.
 */
export function parseAddressList(field: string): SandboxAddress[] | null {
  const addresses: SandboxAddress[] = [];
  for (const entry of splitTopLevel(field)) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const address = parseAddress(trimmed);
    if (!address) return null;
    addresses.push(address);
  }
  return addresses;
}

/** One `Name <address>`, `"Quoted, Name" <address>` or bare `address`. */
export function parseAddress(entry: string): SandboxAddress | null {
  const angled = /^(.*?)<([^<>]+)>\s*$/.exec(entry);
  if (!angled) return isAddress(entry) ? { address: entry } : null;
  const address = (angled[2] ?? '').trim();
  if (!isAddress(address)) return null;
  const name = unquote((angled[1] ?? '').trim());
  return name === '' ? { address } : { address, name };
}

function isAddress(value: string): boolean {
  return /^[^\s@<>",]+@[^\s@<>",]+$/.test(value);
}

function unquote(name: string): string {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    return name.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return name;
}

function splitTopLevel(field: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (let index = 0; index < field.length; index += 1) {
    const character = field[index] as string;
    if (quoted && character === '\\' && index + 1 < field.length) {
      current += character + field[index + 1];
      index += 1;
      continue;
    }
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === '<') angled = true;
    else if (!quoted && character === '>') angled = false;
    if (character === ',' && !quoted && !angled) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts;
}
