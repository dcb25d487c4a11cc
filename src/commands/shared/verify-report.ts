import { createPalette, type Palette } from '../../core/style.ts';
import type { VerifyCheck, VerifyReport } from '../../mail/types.ts';

/** The human form of a verify report: one line per check, then cause, fix and retry time under it. */
const MARK: Record<VerifyCheck['status'], string> = { pass: 'pass   ', fail: 'FAIL   ', pending: 'pending', skipped: 'skipped' };

export function formatVerifyReport(report: VerifyReport, palette: Palette = createPalette(false)): string {
  const paint: Record<VerifyCheck['status'], (t: string) => string> = {
    pass: palette.ok,
    fail: palette.bad,
    pending: palette.warn,
    skipped: palette.dim,
  };
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${paint[check.status](MARK[check.status])}  ${check.title}: ${check.detail}`);
    if (check.cause) lines.push(`         cause: ${check.cause}`);
    if (check.fix) lines.push(`         fix:   ${check.fix}`);
    if (check.retryAfter) lines.push(`         retry after ${check.retryAfter}`);
  }
  lines.push(
    '',
    report.ok
      ? 'The app can send mail.'
      : report.pending
        ? 'Not yet: permissions are still propagating; retry later.'
        : 'The app cannot send mail yet; see the fix above.',
  );
  return `${lines.join('\n')}\n`;
}
