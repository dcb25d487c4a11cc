import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMailboxInScope, parseOpathFilter } from '../../src/sandbox/exchange/opath.ts';

// One OPATH reader serves the sandbox's management scopes, its SMTP server and its Graph sendMail.

test('a PrimarySmtpAddress clause selects its mailbox, case-insensitively', () => {
  assert.equal(isMailboxInScope("PrimarySmtpAddress -eq 'NoReply@Contoso.com'", 'noreply@contoso.com'), true);
  assert.equal(isMailboxInScope("PrimarySmtpAddress -eq 'noreply@contoso.com'", 'hr@contoso.com'), false);
});

test('-or joins clauses, parentheses group, keywords are case-insensitive', () => {
  const filter = "(PrimarySmtpAddress -eq 'a@contoso.com') -OR (primarysmtpaddress -EQ 'b@contoso.com')";
  assert.equal(isMailboxInScope(filter, 'B@contoso.com'), true);
  assert.equal(isMailboxInScope(filter, 'c@contoso.com'), false);
});

test('a doubled single quote is a literal quote (OPATH quoting inside the PowerShell literal)', () => {
  assert.equal(isMailboxInScope("PrimarySmtpAddress -eq 'o''brien@contoso.com'", "o'brien@contoso.com"), true);
  assert.deepEqual(parseOpathFilter("PrimarySmtpAddress -eq 'o''brien@contoso.com'"), {
    kind: 'compare',
    property: 'PrimarySmtpAddress',
    operator: 'eq',
    value: "o'brien@contoso.com",
  });
});

test('what the sandbox cannot evaluate selects nothing (fail closed)', () => {
  for (const filter of [
    "MemberOfGroup -eq 'CN=Senders'",
    "PrimarySmtpAddress -eq 'unterminated",
    "(PrimarySmtpAddress -eq 'a@contoso.com'",
    '',
    'PrimarySmtpAddress -gt 1',
  ]) {
    assert.equal(isMailboxInScope(filter, 'a@contoso.com'), false, filter);
  }
  assert.throws(() => parseOpathFilter("(PrimarySmtpAddress -eq 'a@contoso.com'"));
});
