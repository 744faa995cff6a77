import { describe, expect, it } from 'vitest';
import { hostOptions } from '../src/client.js';
import { toPostmarkRequest } from '../src/mapping.js';
import { makeMessage } from './helpers.js';

describe('toPostmarkRequest', () => {
  it('writes the Postmark body the SDK sends as is', () => {
    const request = toPostmarkRequest(makeMessage({ tags: ['receipts', 'eu'] }), {
      messageStream: 'outbound',
    });
    expect(request).toMatchObject({
      From: 'Sender Name <sender@example.com>',
      To: '"Doe, Jane" <jane@example.org>, bob@example.org',
      Cc: 'Carol <carol@example.org>',
      Bcc: 'dave@example.org',
      ReplyTo: 'Replies <replies@example.com>',
      Subject: 'Your receipt',
      Tag: 'receipts',
      MessageStream: 'outbound',
      Metadata: { tenant: 'acme', order: '42', mailover_id: 'mo_01HTESTMESSAGE' },
    });
    expect(request.Headers).toContainEqual({ Name: 'Message-ID', Value: '<mo_01HTESTMESSAGE@example.test>' });
    expect(request.Attachments?.map((attachment) => attachment.ContentID)).toEqual([
      null,
      null,
      'cid:logo@example.test',
    ]);
  });

  it('lets mailover_id win over a user metadata key of the same name', () => {
    const request = toPostmarkRequest(makeMessage({ metadata: { mailover_id: 'spoofed' } }));
    expect(request.Metadata).toEqual({ mailover_id: 'mo_01HTESTMESSAGE' });
  });

  it('leaves out fields the message does not have', () => {
    const request = toPostmarkRequest(
      makeMessage({ cc: [], bcc: [], replyTo: [], tags: [], attachments: [], html: undefined }),
    );
    for (const field of ['Cc', 'Bcc', 'ReplyTo', 'Tag', 'Attachments', 'HtmlBody', 'MessageStream']) {
      expect(request).not.toHaveProperty(field);
    }
  });
});

describe('hostOptions', () => {
  it('turns an endpoint URL into the SDK host options, keeping a path prefix', () => {
    expect(hostOptions('http://127.0.0.1:8025/postmark/')).toEqual({
      useHttps: false,
      requestHost: '127.0.0.1:8025/postmark',
    });
    expect(hostOptions('https://api.postmarkapp.com')).toEqual({
      useHttps: true,
      requestHost: 'api.postmarkapp.com',
    });
    expect(hostOptions(undefined)).toBeUndefined();
  });
});
