import { badRequest } from './errors.ts';
import { GRAPH_TYPE_PROPERTIES, type GraphTypeName } from './schema-properties.ts';

/** A JSON object body, or 400 when the payload is an array, a scalar or null. */
export function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Invalid request body: a JSON object was expected.');
  }
  return value as Record<string, unknown>;
}

/** Rejects property names the Graph type does not declare (instance annotations `x@odata.*` pass). */
export function rejectUnknownProperties(body: Record<string, unknown>, type: GraphTypeName): void {
  const allowed: readonly string[] = GRAPH_TYPE_PROPERTIES[type];
  for (const name of Object.keys(body)) {
    if (allowed.includes(name) || name.includes('@odata.')) continue;
    throw badRequest(`Property '${name}' does not exist on type 'microsoft.graph.${type}'.`);
  }
}

/** Properties Graph computes; a client may echo them back unchanged but never set them. */
export function rejectReadOnly(body: Record<string, unknown>, names: string[], current: Record<string, unknown> = {}): void {
  for (const name of names) {
    if (!(name in body)) continue;
    if (current[name] !== undefined && JSON.stringify(current[name]) === JSON.stringify(body[name])) continue;
    throw badRequest(`Property '${name}' is read-only and cannot be set.`);
  }
}

export function optionalString(body: Record<string, unknown>, name: string): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw invalidValue(name);
  return value;
}

export function stringArray(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalidValue(name);
  return value as string[];
}

export function invalidValue(name: string, resource = ''): Error {
  return badRequest(`Invalid value specified for property '${name}'${resource ? ` of resource '${resource}'` : ''}.`);
}
