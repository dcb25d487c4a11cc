import type { FaultAction, FaultRule, RouteKind } from '../context.ts';

const KINDS: RouteKind[] = ['graph', 'token', 'exchange', 'keyvault', 'admin'];
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/**
 * Reads a fault rule written on one line, as `entra-mail sandbox --fault` and
 * `POST /_sandbox/faults` take it:
 *
 *   [KIND:]METHOD PATH-REGEX [nth=N] [times=N] [body=REGEX] [tenant=ID] ACTION
 *
 * METHOD is GET, POST, PATCH, PUT, DELETE or `*`; KIND one of graph, token, exchange, keyvault.
 * ACTION is `fail[=STATUS]` (default 503), `drop` or `kill`, each optionally prefixed with
 * `commit-then-` (the request is carried out first, then its answer is lost). `tenant=` limits the
 * rule to requests served as that tenant (its id) in a sandbox of several. Examples:
 *
 *   POST /addPassword$ commit-then-kill
 *   PATCH ^/v1\.0/servicePrincipals\(appId= nth=2 fail=500
 *   token:POST /oauth2/v2\.0/token$ body=outlook drop
 */
export function parseFaultSpec(spec: string): FaultRule {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  if (words.length < 3) throw new RangeError(`fault '${spec}': expected METHOD PATH ACTION`);
  const [target = '', pathSource = '', ...rest] = words;
  const colon = target.indexOf(':');
  const kind = colon > 0 ? target.slice(0, colon).toLowerCase() : undefined;
  const method = (colon > 0 ? target.slice(colon + 1) : target).toUpperCase();
  if (kind !== undefined && !KINDS.includes(kind as RouteKind))
    throw new RangeError(`fault '${spec}': unknown kind '${kind}' (one of ${KINDS.join(', ')})`);
  if (method !== '*' && !METHODS.includes(method)) throw new RangeError(`fault '${spec}': unknown method '${method}'`);
  const rule: FaultRule = { path: regex(pathSource, spec), action: { type: 'reset' } };
  if (kind) rule.kind = kind as RouteKind;
  if (method !== '*') rule.method = method;
  let action: FaultAction | undefined;
  for (const word of rest) {
    const [key = '', value = ''] = splitOnce(word);
    if (key === 'nth' || key === 'times') rule[key] = positive(value, key, spec);
    else if (key === 'body') rule.body = regex(value, spec);
    else if (key === 'tenant' && value) rule.tenant = value;
    else if (action) throw new RangeError(`fault '${spec}': more than one action`);
    else action = readAction(word, spec);
  }
  if (!action) throw new RangeError(`fault '${spec}': no action (fail[=STATUS], drop or kill, optionally commit-then-…)`);
  rule.action = action;
  return rule;
}

function readAction(word: string, spec: string): FaultAction {
  const commit = word.startsWith('commit-then-');
  const [name, value] = splitOnce(commit ? word.slice('commit-then-'.length) : word);
  if (name === 'drop') return { type: 'reset', commit };
  if (name === 'kill') return { type: 'kill', commit };
  if (name === 'fail') {
    const status = value === undefined ? 503 : Number(value);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new RangeError(`fault '${spec}': fail=STATUS takes a status from 400 to 599`);
    return { type: 'status', status, commit };
  }
  throw new RangeError(`fault '${spec}': unknown action '${word}'`);
}

function splitOnce(word: string): [string, string | undefined] {
  const at = word.indexOf('=');
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

function positive(value: string, key: string, spec: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`fault '${spec}': ${key} must be a whole number from 1`);
  return n;
}

function regex(source: string, spec: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw new RangeError(`fault '${spec}': '${source}' is not a regular expression`);
  }
}

/** One line per rule, the reverse of parseFaultSpec (for `GET /_sandbox/faults`). */
export function formatFaultRule(rule: FaultRule): string {
  const target = `${rule.kind ? `${rule.kind}:` : ''}${rule.method ?? '*'}`;
  const options = [
    rule.nth ? `nth=${rule.nth}` : '',
    rule.times ? `times=${rule.times}` : '',
    rule.body ? `body=${rule.body.source}` : '',
    rule.tenant ? `tenant=${rule.tenant}` : '',
  ].filter(Boolean);
  const a = rule.action;
  const name = a.type === 'reset' ? 'drop' : a.type === 'kill' ? 'kill' : `fail=${a.status}`;
  return [target, rule.path.source, ...options, `${a.commit ? 'commit-then-' : ''}${name}`].join(' ');
}
