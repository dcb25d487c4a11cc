/** `--exchange api --dry-run`: each write as the cmdlet line it stands for. */
export function formatExchangeCalls(calls: { cmdlet: string; parameters: Record<string, unknown> }[]): string[] {
  if (calls.length === 0) return ['Exchange Online (admin API): every object is as it should be; no call would change anything.'];
  return [
    'Exchange Online calls a run would make (admin API, experimental; each after a read that found the difference):',
    ...calls.map(
      (call) =>
        `  ${call.cmdlet} ${Object.entries(call.parameters)
          .map(([name, value]) => `-${name} ${JSON.stringify(value)}`)
          .join(' ')}`,
    ),
  ];
}
