import { AppbanError } from '../lib/errors.js';
import type { Executor } from '../store/executor.js';
import type { UserRow } from '../store/schema.js';
import type { Role } from './roles.js';

export interface User {
  id: number;
  username: string;
  role: Role;
  createdAt: number;
  createdBy: string;
  disabledAt: number | null;
}

export function userRowToUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabledAt: row.disabled_at,
  };
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new AppbanError(
      'USAGE',
      `username "${username.slice(0, 64)}" is not valid: 2–64 characters, lower-case letters, digits, . _ @ -`,
    );
  }
}

export async function insertUser(
  db: Executor,
  input: { username: string; passwordHash: string; role: Role; createdBy: string; at: number },
): Promise<User> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', input.username)
    .executeTakeFirst();
  if (existing) throw new AppbanError('CONFLICT', `a user named ${input.username} already exists`);
  const row = await db
    .insertInto('users')
    .values({
      username: input.username,
      password_hash: input.passwordHash,
      role: input.role,
      created_at: input.at,
      created_by: input.createdBy,
      disabled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return userRowToUser(row);
}

export async function findUserRow(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function listUsers(db: Executor): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(userRowToUser);
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
