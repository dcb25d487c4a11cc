/**
 * Well-known ids (docs/permissions.md). Only app ids are global; the object id of a
 * resource service principal differs in every tenant. Role ids are resolved at run time from the
 * tenant's resource service principal by value; the ids here are the offline default and the
 * sandbox's seed data (SMTP/IMAP/POP ids are third-party only: never the only source).
 */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

export const GRAPH_ROLES = {
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  'Mail.ReadWrite': 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'Organization.Read.All': '498476ce-e0fe-48b0-b801-37ba7e2685c6',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'DelegatedPermissionGrant.ReadWrite.All': '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
} as const;

export const GRAPH_SCOPES = {
  'Mail.Send': 'e383f46e-2787-4529-855e-0e479a3ffac0',
  'Mail.ReadWrite': '024d486e-b451-40bb-833d-3e66d98c5c73',
  'Mail.Send.Shared': 'a367ab51-6b49-43bf-a716-a1fb06d2a174',
  'SMTP.Send': '258f6531-6087-4cc4-bb90-092c5fb3ed3f',
  'IMAP.AccessAsUser.All': '652390e4-393a-48de-9484-05f9b1212954',
  'POP.AccessAsUser.All': 'd7b7f2d9-0f45-4ea1-9d42-e50810c06991',
  offline_access: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
  openid: '37f7f235-527c-4136-accd-4a02d197296e',
  profile: '14dad69e-099b-42c9-810b-d002981feec1',
  email: '64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0',
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
} as const;

export const EXCHANGE_ROLES = {
  full_access_as_app: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
  'Exchange.ManageAsApp': 'dc50a0fb-09a3-484d-be87-e023b12c6440',
  'IMAP.AccessAsApp': '5e5addcd-3e8d-4e90-baf5-964efab2b20a',
  'POP.AccessAsApp': 'cb842b43-da6e-4506-86fe-bb12199c656d',
  'SMTP.SendAsApp': '7146a1f0-8703-45b3-9eae-527a64c00995',
  // The Exchange SP carries Graph's Mail.Send id too (docs/permissions.md#exchange-online-permission-ids): key by resource.
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
} as const;

export const EXCHANGE_SCOPES = {
  'SMTP.Send': '76faac2a-0f20-42f1-928a-50de5b9dbe52',
  'IMAP.AccessAsUser.All': '195adc35-e27b-454b-a7ed-1ecdffa1c09f',
  'POP.AccessAsUser.All': 'fb698133-92fa-453e-a9ed-688e10f2e5ac',
  'EWS.AccessAsUser.All': '3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5',
} as const;

/** Entra directory role template ids (wids claim) that matter to provisioning. */
export const DIRECTORY_ROLES = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
} as const;
