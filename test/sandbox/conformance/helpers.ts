import type { Harness } from '../sandbox-harness.ts';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any;
}

/** A raw request to the sandbox's Graph origin: `path` includes the version (`/v1.0/…`, `/beta/…`). */
export async function call(
  h: Harness,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; token?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${h.sandbox.settings.graphEndpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? (await h.adminToken())}`,
      'content-type': 'application/json',
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `ConsistencyLevel: eventual`, the header of advanced queries. */
export const EVENTUAL = { ConsistencyLevel: 'eventual' };

/** Creates `count` applications named `<prefix> NNN` through Graph. */
export async function createApps(h: Harness, prefix: string, count: number): Promise<void> {
  const token = await h.adminToken();
  for (let i = 0; i < count; i++) {
    const r = await call(h, 'POST', '/v1.0/applications', { token, body: { displayName: `${prefix} ${String(i).padStart(3, '0')}` } });
    if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
  }
}
