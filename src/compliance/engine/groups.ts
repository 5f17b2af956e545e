/**
 * Group paths such as `federal/finance/it`. A prefix covers a path when they are equal or the path
 * continues after a `/`: `federal` covers `federal/finance`, not `federalist`. Paths are compared
 * case-folded, without leading, trailing or doubled slashes.
 */
export function normalizeGroup(path: string): string {
  return path
    .split('/')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0)
    .join('/');
}

/** Whether `prefix` (normalised) covers `path` (normalised); the empty prefix covers every path. */
export function groupWithin(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return (
    path === prefix || (path.length > prefix.length && path.startsWith(prefix) && path[prefix.length] === '/')
  );
}

/**
 * Scope by groups: an empty include list takes every device (with or without a group); otherwise
 * the device's group must fall under an included prefix. Excludes win over includes.
 */
export function groupInScope(
  path: string | undefined,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  if (include.length > 0 && (path === undefined || !include.some((prefix) => groupWithin(path, prefix))))
    return false;
  if (path !== undefined && exclude.some((prefix) => groupWithin(path, prefix))) return false;
  return true;
}
