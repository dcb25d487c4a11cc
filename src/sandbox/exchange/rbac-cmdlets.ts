import type { CmdletTable } from './cmdlet-table.ts';
import { badRequest, objectNotFound } from './cmdlet-error.ts';
import { describeAssignment, describeScope } from './describe.ts';
import { isMailboxInScope, parseOpathFilter } from './opath.ts';
import { resolveMailbox, resolveServicePrincipal } from './resolve.ts';

/**
 * RBAC for applications (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac): management scopes, role assignments to an
 * app's service principal, and Test-ServicePrincipalAuthorization. The test cmdlet bypasses
 * Exchange's permission cache, so InScope is True as soon as the assignment exists; the cache delay
 * (state.exchange.rbacPropagationMs) applies to sending only.
 */
export const APPLICATION_ROLES = [
  'Application Mail.Send',
  'Application Mail.Read',
  'Application Mail.ReadBasic',
  'Application Mail.ReadWrite',
  'Application MailboxSettings.Read',
  'Application MailboxSettings.ReadWrite',
  'Application Calendars.Read',
  'Application Calendars.ReadWrite',
  'Application Contacts.Read',
  'Application Contacts.ReadWrite',
  'Application EWS.AccessAsApp',
  'Application Mail Full Access',
  'Application Exchange Full Access',
  'Application SMTP.SendAsApp',
] as const;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function checkFilter(filter: string): void {
  try {
    parseOpathFilter(filter);
  } catch (error) {
    throw badRequest(
      `Invalid filter syntax in RecipientRestrictionFilter: ${(error as Error).message}`,
      'Microsoft.Exchange.Data.InvalidFilterSyntaxException',
    );
  }
}

export const rbacCmdlets: CmdletTable = {
  'Get-ManagementScope': {
    parameters: ['Identity'],
    run(ctx, params) {
      const identity = params.optionalString('Identity');
      const scopes = ctx.state.exchange.managementScopes.filter((s) => identity === undefined || same(s.name, identity));
      if (identity !== undefined && scopes.length === 0) throw objectNotFound(identity);
      return { value: scopes.map(describeScope) };
    },
  },
  'New-ManagementScope': {
    parameters: ['Name', 'RecipientRestrictionFilter'],
    run(ctx, params) {
      const name = params.string('Name');
      const filter = params.string('RecipientRestrictionFilter');
      checkFilter(filter);
      if (ctx.state.exchange.managementScopes.some((s) => same(s.name, name))) {
        throw badRequest(
          `The management scope '${name}' already exists.`,
          'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
        );
      }
      ctx.state.exchange.managementScopes.push({ name, recipientRestrictionFilter: filter });
      return {
        value: [describeScope({ name, recipientRestrictionFilter: filter })],
        mutated: true,
      };
    },
  },
  'Set-ManagementScope': {
    parameters: ['Identity', 'RecipientRestrictionFilter'],
    run(ctx, params) {
      const identity = params.string('Identity');
      const scope = ctx.state.exchange.managementScopes.find((s) => same(s.name, identity));
      if (!scope) throw objectNotFound(identity);
      const filter = params.string('RecipientRestrictionFilter');
      checkFilter(filter);
      scope.recipientRestrictionFilter = filter;
      return { value: [], mutated: true };
    },
  },
  'Remove-ManagementScope': {
    parameters: ['Identity', 'Confirm'],
    run(ctx, params) {
      const identity = params.string('Identity');
      const exchange = ctx.state.exchange;
      const scope = exchange.managementScopes.find((s) => same(s.name, identity));
      if (!scope) throw objectNotFound(identity);
      if (exchange.roleAssignments.some((a) => same(a.customResourceScope, scope.name))) {
        throw badRequest(`The management scope '${scope.name}' can't be removed because it's in use by role assignments.`);
      }
      exchange.managementScopes = exchange.managementScopes.filter((s) => s !== scope);
      return { value: [], mutated: true };
    },
  },
  'Get-ManagementRoleAssignment': {
    parameters: ['Identity', 'RoleAssignee', 'Role'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const identity = params.optionalString('Identity');
      const assignee = params.optionalString('RoleAssignee');
      const app = assignee === undefined ? undefined : resolveServicePrincipal(exchange, assignee).identity;
      const role = params.optionalString('Role');
      const rows = exchange.roleAssignments.filter(
        (a) =>
          (identity === undefined || same(a.name, identity)) &&
          (app === undefined || a.app === app) &&
          (role === undefined || same(a.role, role)),
      );
      if (identity !== undefined && rows.length === 0) throw objectNotFound(identity);
      return { value: rows.map(describeAssignment) };
    },
  },
  'New-ManagementRoleAssignment': {
    parameters: ['Name', 'App', 'Role', 'CustomResourceScope'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const name = params.optionalString('Name');
      const app = resolveServicePrincipal(exchange, params.string('App')).identity;
      const roleParam = params.string('Role');
      const role = APPLICATION_ROLES.find((r) => same(r, roleParam));
      if (!role) throw objectNotFound(roleParam);
      const scopeName = params.string('CustomResourceScope');
      const scope = exchange.managementScopes.find((s) => same(s.name, scopeName));
      if (!scope) throw objectNotFound(scopeName);
      const finalName = name ?? `${role}-${app}`.slice(0, 64);
      if (exchange.roleAssignments.some((a) => same(a.name, finalName))) {
        throw badRequest(
          `The role assignment '${finalName}' already exists.`,
          'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException',
        );
      }
      const assignment = { name: finalName, app, role, customResourceScope: scope.name, createdAt: ctx.clock.nowMs() };
      exchange.roleAssignments.push(assignment);
      return {
        value: [describeAssignment(assignment)],
        mutated: true,
      };
    },
  },
  'Remove-ManagementRoleAssignment': {
    parameters: ['Identity', 'Confirm'],
    run(ctx, params) {
      const identity = params.string('Identity');
      const exchange = ctx.state.exchange;
      const assignment = exchange.roleAssignments.find((a) => same(a.name, identity));
      if (!assignment) throw objectNotFound(identity);
      exchange.roleAssignments = exchange.roleAssignments.filter((a) => a !== assignment);
      return { value: [], mutated: true };
    },
  },
  'Test-ServicePrincipalAuthorization': {
    parameters: ['Identity', 'Resource'],
    run(ctx, params) {
      const exchange = ctx.state.exchange;
      const sp = resolveServicePrincipal(exchange, params.string('Identity'));
      const resourceParam = params.optionalString('Resource');
      const resource = resourceParam === undefined ? undefined : resolveMailbox(exchange, resourceParam).address;
      return {
        value: exchange.roleAssignments
          .filter((a) => a.app === sp.identity)
          .map((a) => {
            const scope = exchange.managementScopes.find((s) => same(s.name, a.customResourceScope));
            return {
              RoleName: a.role,
              GrantedPermissions: a.role.replace(/^Application /, ''),
              AllowedResourceScope: a.customResourceScope,
              ScopeType: 'CustomRecipientScope',
              InScope:
                resource === undefined ? 'Not Run' : scope !== undefined && isMailboxInScope(scope.recipientRestrictionFilter, resource),
            };
          }),
      };
    },
  },
};
