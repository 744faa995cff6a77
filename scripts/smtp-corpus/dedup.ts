/**
 * The deduplication rule of data/smtp-replies/README.md: two replies are the same when this gives
 * the same text. packages/core/test/smtp-corpus.test.ts checks the corpus with it; add-rows.ts
 * applies it to new rows. Every repetition that could rescan what it read is bounded (an address
 * part to 64 characters, a domain label to 63, eight labels), so the ReDoS check proves each
 * expression linear like every other one in the repository.
 */
export function normalised(reply: string): string {
  return reply
    .toLowerCase()
    .replace(/^\s*(?:diagnostic-code:\s*)?(?:smtp|x-postfix|x-unix|mta|x-local)\s*;\s*/, '')
    .replace(/<[^<>]*>/g, '<x>')
    .replace(/\[[^[\]]*\]/g, '[x]')
    .replace(/[\w.+=-]{1,64}@[\w.-]{1,253}/g, '<a>')
    .replace(/\d{1,3}(?:\.\d{1,3}){3}/g, '<ip>')
    .replace(
      /\b[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.(?:com|net|org|jp|de|ie|fr|uk|edu|io|info|biz|ru|example|invalid|test|cz|nl|it|es|pl|br|au|ca|us|be|ch|at|se|no|dk|fi|gr|il|in|cn|tw|kr|hu|ro|tr|mx|ar|cl|za|nz|eu)\b/g,
      '<d>',
    )
    .replace(/[0-9a-f]{8,}/g, '<h>')
    .replace(/\d{4,}/g, '<n>')
    .replace(/https?:\/\/\S+/g, '<u>')
    .replace(/[^\w<>.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
