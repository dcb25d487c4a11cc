/**
 * Secret and token canaries (reliability matrix rows 22–23): a value the tool must never print is
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

/** Every hit of every canary in every text and in the UTF-16LE decoding of every buffer. */
export function findCanaries(outputs: { where: string; data: string | Buffer }[], canaries: Canary[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const output of outputs) {
    const text = typeof output.data === 'string' ? output.data : output.data.toString('utf8');
    const raw = typeof output.data === 'string' ? Buffer.from(output.data) : output.data;
    for (const canary of canaries) {
      for (const { form, text: needle } of canaryForms(canary.value)) {
        if (text.includes(needle)) hits.push({ where: output.where, form, canary: canary.label });
      }
      // UTF-16LE (PowerShell's default file encoding on Windows), at any byte offset.
      if (raw.includes(Buffer.from(canary.value, 'utf16le'))) hits.push({ where: output.where, form: 'utf-16le', canary: canary.label });
    }
  }
  return dedupe(hits);
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
