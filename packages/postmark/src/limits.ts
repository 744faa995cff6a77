import type { ProviderLimits } from '@mailover/core';

/**
 * Postmark's sending limits (support article 1056 "What are the attachment and email size limits",
 * and the send-email API's "Forbidden File Types"). Postmark measures size after base64, like
 * `NormalizedMessage.sizeBytes`; 10 MB is taken in decimal megabytes to stay on the safe side.
 */
export const POSTMARK_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 10_000_000,
  maxRecipients: 50,
  blockedExtensions: Object.freeze([
    'vbs',
    'exe',
    'bin',
    'bat',
    'chm',
    'com',
    'cpl',
    'crt',
    'hlp',
    'hta',
    'inf',
    'ins',
    'isp',
    'jse',
    'lnk',
    'mdb',
    'pcd',
    'pif',
    'reg',
    'scr',
    'sct',
    'shs',
    'vbe',
    'vba',
    'wsf',
    'wsh',
    'wsl',
    'msc',
    'msi',
    'msp',
    'mst',
  ]),
});
