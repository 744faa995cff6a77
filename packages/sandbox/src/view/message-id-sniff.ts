/**
 * The Message-ID a provider request carries, found without parsing it the provider's way: a faulted
 * request is never parsed, yet the timeline needs to place it (docs/sandbox-view.md). Every
 * provider format puts the header's name shortly before its value: SendGrid and Resend
 * `"Message-ID": "<…>"`, Postmark and SES `{"Name": "Message-ID", "Value": "<…>"}`, Mailgun the
 * multipart field `h:Message-Id`, SES raw MIME (base64 in `Content.Raw.Data`) `Message-ID: <…>`.
 */
/** How far after the header's name its value may start (`","Value":"` and the like). */
const NAME_TO_VALUE = 48;
const VALUE = /^<[^<>\s"'\\]+>/;
const RAW_DATA = /"Data"\s*:\s*"([A-Za-z0-9+/=]{16,})"/;
/** Look this far into a body: headers come before attachments in every format. */
const SCAN_BYTES = 256 * 1024;

export function sniffMessageId(body: Buffer): string | undefined {
  const text = body.subarray(0, SCAN_BYTES).toString('utf8');
  const direct = afterName(text);
  if (direct) return direct;
  const raw = RAW_DATA.exec(text);
  if (!raw) return undefined;
  const mime = Buffer.from(raw[1]!, 'base64').subarray(0, SCAN_BYTES).toString('utf8');
  const header = /^message-id:[ \t]*(<[^<>\s]+>)/im.exec(mime)?.[1];
  return header && header.length <= 252 ? header : undefined;
}

/** The first `<…>` shortly after a `message-id` (any case) that has one. */
function afterName(text: string): string | undefined {
  const name = /message-id/gi;
  const lastOpen = text.lastIndexOf('<');
  for (let found = name.exec(text); found; found = name.exec(text)) {
    const from = found.index + found[0].length;
    if (from > lastOpen) return undefined;
    // Look only a short way ahead, so a body full of "message-id" stays linear.
    const gap = text.slice(from, from + NAME_TO_VALUE + 1).indexOf('<');
    if (gap === -1) continue;
    const value = VALUE.exec(text.slice(from + gap, from + gap + 252))?.[0];
    if (value) return value;
  }
  return undefined;
}
