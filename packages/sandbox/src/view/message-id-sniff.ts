/**
 * The Message-ID a provider request carries, found without parsing it the provider's way: a faulted
 * request is never parsed, yet the timeline needs to place it (docs/sandbox-view.md). Every
 * provider format puts the header's name shortly before its value: SendGrid and Resend
 * `"Message-ID": "<…>"`, Postmark and SES `{"Name": "Message-ID", "Value": "<…>"}`, Mailgun the
 * multipart field `h:Message-Id`, SES raw MIME (base64 in `Content.Raw.Data`) `Message-ID: <…>`.
 */
const NEAR_NAME = /message-id[^<]{0,48}(<[^<>\s"'\\]{1,250}>)/i;
const RAW_DATA = /"Data"\s*:\s*"([A-Za-z0-9+/=]{16,})"/;
/** Look this far into a body: headers come before attachments in every format. */
const SCAN_BYTES = 256 * 1024;

export function sniffMessageId(body: Buffer): string | undefined {
  const text = body.subarray(0, SCAN_BYTES).toString('utf8');
  const direct = NEAR_NAME.exec(text);
  if (direct) return direct[1];
  const raw = RAW_DATA.exec(text);
  if (!raw) return undefined;
  const mime = Buffer.from(raw[1]!, 'base64').subarray(0, SCAN_BYTES).toString('utf8');
  const header = /^message-id:\s*(<[^<>\s]{1,250}>)/im.exec(mime);
  return header?.[1];
}
