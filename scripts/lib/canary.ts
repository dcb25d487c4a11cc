/**
 * Secret and token canaries (docs/reliability.md#secret-canary, docs/reliability.md#token-canary): a value the tool must never print is
 * searched for in every encoding a careless log line could use.
 */
export interface CanaryHit {
  /** Which output: "stdout", "stderr", a file path, … */
  where: string;
  /** "raw", "base64", "base64url", "url-encoded", "json-escaped", "utf-16le". */
  form: string;
  /** The canary's label (never the value itself). */
  canary: string;
}

export interface Canary {
  label: string;
  value: string;
}

/** The encodings of `value` to look for; each is long enough not to match by chance. */
export function canaryForms(value: string): { form: string; text: string }[] {
  const forms = [
    { form: 'raw', text: value },
    { form: 'base64', text: Buffer.from(value).toString('base64').replace(/=+$/, '') },
    { form: 'base64url', text: Buffer.from(value).toString('base64url') },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    { form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
  ];
  // base64 of a value depends on its offset in the longer text it was encoded with: one of the
  // three 3-byte alignments of the value is found wherever the value starts.
  for (const shift of [1, 2, 3]) {
    const chunk = value.slice(shift, value.length - ((value.length - shift) % 3));
    if (chunk.length >= 12) forms.push({ form: 'base64', text: Buffer.from(chunk).toString('base64') });
  }
  return forms;
}

const PROBE = 12;

/**
 * Every hit of every canary in every text and in the UTF-16LE decoding of every buffer. One pass
 * per text: each position's 12-character probe is looked up in an index of all needles, so a
 * campaign of a thousand runs scans in seconds rather than comparing every needle everywhere.
 */
export function findCanaries(outputs: { where: string; data: string | Buffer }[], canaries: Canary[]): CanaryHit[] {
  const index = new Map<string, { form: string; needle: string; label: string }[]>();
  const add = (needle: string, form: string, label: string) => {
    const probe = needle.slice(0, PROBE);
    index.set(probe, [...(index.get(probe) ?? []), { form, needle, label }]);
  };
  for (const canary of canaries) for (const { form, text } of canaryForms(canary.value)) add(text, form, canary.label);
  const hits: CanaryHit[] = [];
  const scan = (where: string, text: string, as?: string) => {
    for (let i = 0; i + PROBE <= text.length; i++) {
      const candidates = index.get(text.slice(i, i + PROBE));
      if (!candidates) continue;
      for (const c of candidates) {
        if (as && c.form !== 'raw') continue;
        if (text.startsWith(c.needle, i)) hits.push({ where, form: as ?? c.form, canary: c.label });
      }
    }
  };
  for (const output of outputs) {
    const raw = typeof output.data === 'string' ? Buffer.from(output.data) : output.data;
    scan(output.where, raw.toString('utf8'));
    // UTF-16LE (PowerShell's default file encoding on Windows), at either byte alignment.
    scan(output.where, raw.toString('utf16le'), 'utf-16le');
    scan(output.where, shiftedByOne(raw).toString('utf16le'), 'utf-16le');
  }
  return dedupe(hits);
}

/**
 * The buffer from its second byte, as a fresh copy: decoding an unaligned `subarray(1)` as
 * UTF-16LE corrupts memory on Node 24.21 (seen here: glibc aborts with "double free"); a copy is
 * aligned.
 */
function shiftedByOne(raw: Buffer): Buffer {
  const copy = Buffer.alloc(Math.max(0, raw.length - 1));
  if (copy.length > 0) raw.copy(copy, 0, 1);
  return copy;
}

function dedupe(hits: CanaryHit[]): CanaryHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.where}|${h.form}|${h.canary}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
