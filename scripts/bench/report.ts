/** One printed figure: its value, the goal it is held to, and whether it meets it. */
export interface Figure {
  label: string;
  value: string;
  bound: string;
  pass: boolean | undefined;
}

export const ms = (n: number): string => `${n.toFixed(0)} ms`;
export const mb = (n: number): string => `${n.toFixed(1)} MB`;

export function figure(label: string, value: string, bound: string, pass: boolean | undefined): Figure {
  return { label, value, bound, pass };
}

/** A section title and its figures, aligned, each ending in PASS, FAIL or n/a (not measurable here). */
export function printSection(title: string, figures: Figure[]): void {
  console.log(title);
  const width = Math.max(...figures.map((f) => f.label.length));
  const valueWidth = Math.max(...figures.map((f) => f.value.length));
  for (const f of figures) {
    const verdict = f.pass === undefined ? 'n/a' : f.pass ? 'PASS' : 'FAIL';
    console.log(`  ${f.label.padEnd(width)}  ${f.value.padStart(valueWidth)}   ${f.bound.padEnd(46)} ${verdict}`);
  }
}
