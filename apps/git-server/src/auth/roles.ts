// Roles on a repository, as ordered levels so that a check is one comparison:
// none < read < write < admin. What an operation needs is a level too.

export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const NONE = 0;
export const READ = 1;
export const WRITE = 2;
export const ADMIN = 3;
export type Level = typeof NONE | typeof READ | typeof WRITE | typeof ADMIN;

export const levelOf = (role: Role): Level => (role === 'read' ? READ : role === 'write' ? WRITE : ADMIN);

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/**
 * What the role cache holds for (repository, subject): `MISSING` when the
 * repository does not exist, else `role level × 2 + (public ? 1 : 0)`. One
 * small integer, so a cached check allocates nothing.
 */
export type RepoAccess = number;
export const MISSING: RepoAccess = -1;

export const encodeAccess = (role: Level, isPublic: boolean): RepoAccess => role * 2 + (isPublic ? 1 : 0);
export const roleIn = (access: RepoAccess): Level => (access < 0 ? NONE : ((access >> 1) as Level));
export const publicIn = (access: RepoAccess): boolean => access >= 0 && (access & 1) === 1;
