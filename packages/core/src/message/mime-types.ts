/** Content types for attachments: a small guess table by extension, and the `type/subtype` check. */
import { lookupTable } from '../lookup-table.js';

/** Used when the extension is unknown. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

// The types people actually attach; anything else is octet-stream, which every client accepts.
const BY_EXTENSION: Readonly<Record<string, string>> = lookupTable({
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  htm: 'text/html',
  html: 'text/html',
  ics: 'text/calendar',
  json: 'application/json',
  xml: 'application/xml',
  zip: 'application/zip',
  gz: 'application/gzip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  eml: 'message/rfc822',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
});

/** The content type for a filename's extension (case-insensitive), else `application/octet-stream`. */
export function guessContentType(filename: string): string {
  const dot = filename.lastIndexOf('.');
  if (dot === -1) return DEFAULT_CONTENT_TYPE;
  const type = BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
  return typeof type === 'string' ? type : DEFAULT_CONTENT_TYPE;
}

// RFC 6838 restricted names for type and subtype, then optional `; name=value` parameters
// (RFC 2045 tokens or quoted strings), e.g. `text/plain; charset=utf-8`.
const NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
export const CONTENT_TYPE = new RegExp(
  `^${NAME}/${NAME}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])*"))*[ \\t]*$`,
);
