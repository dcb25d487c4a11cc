import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecipientFilter, recipientFilterMatches } from '../../src/sandbox/smtp/opath-filter.ts';

test('a single PrimarySmtpAddress clause names its address, lower-cased', () => {
  assert.deepEqual(parseRecipientFilter("PrimarySmtpAddress -eq 'NoReply@Contoso.com'"), ['noreply@contoso.com']);
});

test('-or joins clauses, parentheses are allowed, keywords are case-insensitive', () => {
  const filter = "(PrimarySmtpAddress -eq 'a@contoso.com') -OR (primarysmtpaddress -EQ 'b@contoso.com')";
  assert.deepEqual(parseRecipientFilter(filter), ['a@contoso.com', 'b@contoso.com']);
  assert.equal(recipientFilterMatches(filter, 'B@contoso.com'), true);
  assert.equal(recipientFilterMatches(filter, 'c@contoso.com'), false);
});

test("a doubled single quote is a literal quote (OPATH quoting)", () => {
  assert.deepEqual(parseRecipientFilter("PrimarySmtpAddress -eq 'o''brien@contoso.com'"), ["o'brien@contoso.com"]);
  assert.equal(recipientFilterMatches("PrimarySmtpAddress -eq 'o''brien@contoso.com'", "o'brien@contoso.com"), true);
});

test('filters outside the supported subset select nothing (fail closed)', () => {
  for (const filter of [
    "MemberOfGroup -eq 'CN=Senders'",
    "PrimarySmtpAddress -ne 'a@contoso.com'",
    "PrimarySmtpAddress -eq 'a@contoso.com' -and PrimarySmtpAddress -eq 'b@contoso.com'",
    "PrimarySmtpAddress -eq 'unterminated",
    "(PrimarySmtpAddress -eq 'a@contoso.com'",
    '',
  ]) {
    assert.equal(parseRecipientFilter(filter), undefined, filter);
    assert.equal(recipientFilterMatches(filter, 'a@contoso.com'), false, filter);
  }
});
