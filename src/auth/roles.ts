import { ROLES, type Role } from '../store/schema.js';

export { ROLES, type Role };

/**
 * What a caller may do, as permissions; each route names the one it needs to see its objects and,
 * for changes, the one it needs to act. Roles are fixed sets of them (issue 6): an officer runs bans
 * and exceptions, an auditor reads everything and changes nothing, a reporter reads reports, an
 * ingest token only feeds inventories.
 */
export const PERMISSIONS = [
  'catalog:read',
  'bans:read',
  'bans:write',
  'exceptions:read',
  'exceptions:write',
  'devices:read',
  'reports:read',
  'enforce:read',
  'ingest:write',
  'audit:read',
  'users:read',
  'users:write',
  'notifications:read',
  'notifications:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = [
  'catalog:read',
  'bans:read',
  'exceptions:read',
  'devices:read',
  'reports:read',
  'enforce:read',
  'audit:read',
  'users:read',
  'notifications:read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  officer: [
    'catalog:read',
    'bans:read',
    'bans:write',
    'exceptions:read',
    'exceptions:write',
    'devices:read',
    'reports:read',
    'enforce:read',
  ],
  auditor: READ_ALL,
  reporter: ['catalog:read', 'reports:read'],
  ingest: ['ingest:write'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
