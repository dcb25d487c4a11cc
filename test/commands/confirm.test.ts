import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { assertConfirmable, confirmPlan, formatChanges } from '../../src/commands/shared/confirm.ts';
import { UsageError } from '../../src/core/errors.ts';

/** A terminal stand-in: stdin and stderr that say they are TTYs, the answer typed (or not) on stdin. */
function terminal(answer: string | undefined, tty = true) {
  let shown = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  if (answer !== undefined) stdin.end(answer);
  else stdin.end();
  const stderr = { write: (s: string) => (shown += stripVTControlCharacters(s)), isTTY: tty };
  return { deps: { stdin, stderr }, shown: () => shown };
}

const plan = ['Plan:', '  + create application      Mailer'];

describe('confirmPlan: plan, then ask', () => {
  it('shows the plan and the warnings before the question, and "y" approves', async () => {
    const t = terminal('y\n');
    const outcome = await confirmPlan({ plan, warnings: ['tenant-wide'], question: 'Apply 1 change?', yes: false }, t.deps);
    assert.equal(outcome, 'approved');
    const shown = t.shown();
    assert.ok(shown.indexOf('+ create application') < shown.indexOf('Warning: tenant-wide'));
    assert.ok(shown.indexOf('Warning: tenant-wide') < shown.indexOf('Apply 1 change? [y/N]'));
  });

  for (const answer of ['n\n', '\n', 'nope\n', '', undefined]) {
    it(`anything but yes declines (${JSON.stringify(answer)})`, async () => {
      assert.equal(await confirmPlan({ plan, question: 'Apply?', yes: false }, terminal(answer).deps), 'declined');
    });
  }

  it('an exact word is required when one is expected', async () => {
    assert.equal(await confirmPlan({ plan, question: 'Purge?', expect: 'mailer', yes: false }, terminal('y\n').deps), 'declined');
    const t = terminal('mailer\n');
    assert.equal(await confirmPlan({ plan, question: 'Purge?', expect: 'mailer', yes: false }, t.deps), 'approved');
    assert.match(t.shown(), /Purge\? \[type 'mailer' to confirm\]/);
  });

  it('--yes approves without showing or asking anything', async () => {
    const t = terminal(undefined);
    assert.equal(await confirmPlan({ plan, question: 'Apply?', yes: true }, t.deps), 'yes-flag');
    assert.equal(t.shown(), '');
  });

  it('without a terminal it does not prompt and proceeds', async () => {
    const t = terminal('n\n', false);
    assert.equal(await confirmPlan({ plan, question: 'Apply?', yes: false }, t.deps), 'no-terminal');
    assert.equal(t.shown(), '');
  });

  it('assertConfirmable insists on --yes without a terminal, as a usage error', () => {
    assert.throws(
      () => assertConfirmable(terminal('', false).deps, { yes: false, what: 'deprovision deletes the app' }),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match((e as Error).message, /pass --yes/);
        return true;
      },
    );
    assertConfirmable(terminal('', false).deps, { yes: true, what: 'x' });
    assertConfirmable(terminal('', false).deps, { yes: false, dryRun: true, what: 'x' });
    assertConfirmable(terminal('').deps, { yes: false, what: 'x' });
  });

  it('formatChanges marks create, update and remove and leaves unchanged steps out', () => {
    const lines = formatChanges([
      { step: 'application', action: 'create', summary: 'a' },
      { step: 'consent', action: 'none', summary: 'b' },
      { step: 'secret', action: 'update', summary: 'c' },
      { step: 'service-principal', action: 'remove', summary: 'd' },
    ]);
    assert.deepEqual(
      lines.map((l) => l.trim().slice(0, 8)),
      ['+ create', '~ update', '- remove'],
    );
  });
});
