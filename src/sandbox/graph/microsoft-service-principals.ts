import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../core/well-known.ts';

/** A permission a Microsoft resource publishes: value, id and the names admins see. */
export interface PublishedPermission {
  value: string;
  id: string;
  displayName: string;
}

/** What the sandbox seeds for one of Microsoft's first-party resource service principals. */
export interface MicrosoftResource {
  appId: string;
  displayName: string;
  /** Names a client may look the resource up by, as the real tenant object lists them. */
  servicePrincipalNames: string[];
  appRoles: PublishedPermission[];
  scopes: PublishedPermission[];
}

/** Microsoft Services' tenant: the owner of every first-party service principal. */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/**
 * Microsoft Graph as it appears in a tenant. Ids and values are Microsoft's
 * (https://learn.microsoft.com/graph/permissions-reference lists each permission with its id);
 * docs/sandbox-fidelity.md#microsofts-service-principals says where each list comes from.
 */
export const MICROSOFT_GRAPH: MicrosoftResource = {
  appId: GRAPH_APP_ID,
  displayName: 'Microsoft Graph',
  servicePrincipalNames: [
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    'https://canary.graph.microsoft.com',
    'https://canary.graph.microsoft.com/',
    'https://graph.microsoft.us',
    'https://graph.microsoft.us/',
    'https://dod-graph.microsoft.us',
    'https://dod-graph.microsoft.us/',
    'https://ags.windows.net',
    `${GRAPH_APP_ID}/ags.windows.net`,
    GRAPH_APP_ID,
  ],
  appRoles: [
    { value: 'Mail.Send', id: 'b633e1c5-b582-4048-a93e-9f11b44c7e96', displayName: 'Send mail as any user' },
    { value: 'Mail.Read', id: '810c84a8-4a9e-49e6-bf7d-12d183f40d01', displayName: 'Read mail in all mailboxes' },
    { value: 'Mail.ReadWrite', id: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9', displayName: 'Read and write mail in all mailboxes' },
    { value: 'User.Read.All', id: 'df021288-bdef-4463-88db-98f22de89214', displayName: "Read all users' full profiles" },
    { value: 'Group.Read.All', id: '5b567255-7703-4780-807c-7be8301ae99b', displayName: 'Read all groups' },
    { value: 'Directory.Read.All', id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61', displayName: 'Read directory data' },
    { value: 'Directory.ReadWrite.All', id: '19dbc75e-c2e2-444c-a770-ec69d8559fc7', displayName: 'Read and write directory data' },
    { value: 'Organization.Read.All', id: '498476ce-e0fe-48b0-b801-37ba7e2685c6', displayName: 'Read organization information' },
    {
      value: 'Organization.ReadWrite.All',
      id: '292d869f-3427-49a8-9dab-8c70152b74e9',
      displayName: 'Read and write organization information',
    },
    { value: 'Application.Read.All', id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', displayName: 'Read all applications' },
    { value: 'Application.ReadWrite.All', id: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9', displayName: 'Read and write all applications' },
    {
      value: 'Application.ReadWrite.OwnedBy',
      id: '18a4783c-866b-4cc7-a460-3d5e5662c884',
      displayName: 'Manage apps that this app creates or owns',
    },
    {
      value: 'AppRoleAssignment.ReadWrite.All',
      id: '06b708a9-e830-4db3-a914-8e69da51d44f',
      displayName: 'Manage app permission grants and app role assignments',
    },
    {
      value: 'DelegatedPermissionGrant.ReadWrite.All',
      id: '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
      displayName: 'Manage all delegated permission grants',
    },
    { value: 'AuditLog.Read.All', id: 'b0afded3-3588-46d8-8b3d-9842eff778da', displayName: 'Read all audit log data' },
    { value: 'Policy.Read.All', id: '246dd0d5-5bd0-4def-940b-0421030a5b68', displayName: "Read your organization's policies" },
  ],
  scopes: [
    { value: 'User.Read', id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', displayName: 'Sign in and read user profile' },
    { value: 'Mail.Send', id: 'e383f46e-2787-4529-855e-0e479a3ffac0', displayName: 'Send mail as you' },
    { value: 'Mail.Send.Shared', id: 'a367ab51-6b49-43bf-a716-a1fb06d2a174', displayName: 'Send mail on behalf of others' },
    { value: 'Mail.ReadWrite', id: '024d486e-b451-40bb-833d-3e66d98c5c73', displayName: 'Read and write access to your mail' },
    { value: 'SMTP.Send', id: '258f6531-6087-4cc4-bb90-092c5fb3ed3f', displayName: 'Send emails from mailboxes using SMTP AUTH.' },
    {
      value: 'IMAP.AccessAsUser.All',
      id: '652390e4-393a-48de-9484-05f9b1212954',
      displayName: 'Read and write access to mailboxes via IMAP.',
    },
    {
      value: 'POP.AccessAsUser.All',
      id: 'd7b7f2d9-0f45-4ea1-9d42-e50810c06991',
      displayName: 'Read and write access to mailboxes via POP.',
    },
    { value: 'Directory.Read.All', id: '06da0dbc-49e2-44d2-8312-53f166ab848a', displayName: 'Read directory data' },
    {
      value: 'offline_access',
      id: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
      displayName: 'Maintain access to data you have given it access to',
    },
    { value: 'openid', id: '37f7f235-527c-4136-accd-4a02d197296e', displayName: 'Sign users in' },
    { value: 'profile', id: '14dad69e-099b-42c9-810b-d002981feec1', displayName: "View users' basic profile" },
    { value: 'email', id: '64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0', displayName: "View users' email address" },
  ],
};

/** Office 365 Exchange Online: the resource of SMTP AUTH, IMAP, POP and EWS tokens. */
export const EXCHANGE_ONLINE: MicrosoftResource = {
  appId: EXCHANGE_APP_ID,
  displayName: 'Office 365 Exchange Online',
  servicePrincipalNames: [
    'https://outlook.office365.com/',
    'https://outlook.office365.com',
    'https://outlook.office.com/',
    'https://outlook.office.com',
    `${EXCHANGE_APP_ID}/outlook.office365.com`,
    `${EXCHANGE_APP_ID}/outlook.office.com`,
    `${EXCHANGE_APP_ID}/mail.office365.com`,
    `${EXCHANGE_APP_ID}/outlook.com`,
    EXCHANGE_APP_ID,
  ],
  appRoles: [
    {
      value: 'full_access_as_app',
      id: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
      displayName: 'Use Exchange Web Services with full access to all mailboxes',
    },
    { value: 'Exchange.ManageAsApp', id: 'dc50a0fb-09a3-484d-be87-e023b12c6440', displayName: 'Manage Exchange As Application' },
    { value: 'IMAP.AccessAsApp', id: '5e5addcd-3e8d-4e90-baf5-964efab2b20a', displayName: 'IMAP.AccessAsApp' },
    { value: 'POP.AccessAsApp', id: 'cb842b43-da6e-4506-86fe-bb12199c656d', displayName: 'POP.AccessAsApp' },
    { value: 'SMTP.SendAsApp', id: '7146a1f0-8703-45b3-9eae-527a64c00995', displayName: 'SMTP.SendAsApp' },
    { value: 'Mail.Send', id: 'b633e1c5-b582-4048-a93e-9f11b44c7e96', displayName: 'Send mail as any user' },
  ],
  scopes: [
    { value: 'SMTP.Send', id: '76faac2a-0f20-42f1-928a-50de5b9dbe52', displayName: 'Send emails from mailboxes using SMTP AUTH.' },
    {
      value: 'IMAP.AccessAsUser.All',
      id: '195adc35-e27b-454b-a7ed-1ecdffa1c09f',
      displayName: 'Read and write access to mailboxes via IMAP.',
    },
    {
      value: 'POP.AccessAsUser.All',
      id: 'fb698133-92fa-453e-a9ed-688e10f2e5ac',
      displayName: 'Read and write access to mailboxes via POP.',
    },
    {
      value: 'EWS.AccessAsUser.All',
      id: '3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5',
      displayName: 'Access mailboxes as the signed-in user via Exchange Web Services',
    },
  ],
};
