import type { TenantState } from '../state.ts';
import { aadsts } from './aadsts.ts';
import { isGuid } from '../../core/validate.ts';

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/**
 * Resolves the `{tenant}` path segment: the tenant GUID or one of its verified domains
 * (docs/token-endpoint.md#request). A well-formed but unknown value is AADSTS90002; anything that is neither a
 * GUID nor a DNS name is AADSTS900023 (docs/token-endpoint.md#aadsts-codes).
 */
export function resolveTenant(state: TenantState, segment: string, errorValue: 'invalid_request' | 'invalid_tenant'): void {
  const value = segment.toLowerCase();
  if (isGuid(value)) {
    if (value === state.tenant.id.toLowerCase()) return;
  } else if (DNS_NAME.test(value)) {
    if (state.tenant.domains.some((domain) => domain.toLowerCase() === value)) return;
  } else {
    throw aadsts(
      400,
      'invalid_request',
      900023,
      `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
    );
  }
  throw aadsts(
    400,
    errorValue,
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );
}
