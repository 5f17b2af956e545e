import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.log.js';
import { DAY_MS } from '../lib/dates.js';
import { AppbanError } from '../lib/errors.js';
import type { Database, Role } from '../store/schema.js';
import type { Permission } from './roles.js';
import { ROLE_PERMISSIONS } from './roles.js';
import {
  generatePassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  randomToken,
  sameSecret,
  sha256Hex,
  verifyPassword,
} from './secrets.js';
import { checkUsername, countUsers, findUserRow, insertUser, type User } from './user.repository.js';

/** Who is calling: a person with a dashboard session, or a script with an API token. */
export interface Principal {
  kind: 'session' | 'token';
  /** For the audit log: the username, or `token:<name>`. */
  actor: string;
  role: Role;
  permissions: readonly Permission[];
  username?: string;
  /** Sessions only: what unsafe requests must echo in `x-csrf-token`. */
  csrfToken?: string;
  sessionHash?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MAX_TOKEN_DAYS = 366;
const TOKEN_PREFIX = 'abt_';

// A real argon2 hash of a random password: unknown usernames cost as much as wrong passwords, so the
// time of a failed login does not tell whether the user exists.
let decoyHash: Promise<string> | undefined;
function decoy(): Promise<string> {
  decoyHash ??= hashPassword(randomToken());
  return decoyHash;
}

export function createAuthService(db: Kysely<Database>, clock: () => number = Date.now) {
  async function createUser(input: {
    username: string;
    role: Role;
    password?: string;
    actor: string;
  }): Promise<{ user: User; generatedPassword?: string }> {
    checkUsername(input.username);
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      throw new AppbanError('USAGE', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const password = input.password ?? generatePassword();
    const passwordHash = await hashPassword(password);
    const at = clock();
    const user = await db.transaction().execute(async (trx) => {
      const user = await insertUser(trx, {
        username: input.username,
        passwordHash,
        role: input.role,
        createdBy: input.actor,
        at,
      });
      await recordAudit(trx, {
        actor: input.actor,
        action: 'user.created',
        objectType: 'user',
        objectId: user.username,
        details: { role: user.role },
        at,
      });
      return user;
    });
    return input.password === undefined ? { user, generatedPassword: password } : { user };
  }

  return {
    createUser,

    /**
     * On a first start with no users, makes `admin` with a one-time password for the caller to print
     * once. Replicas starting together race on the unique username; the loser gets undefined.
     */
    async bootstrapAdmin(): Promise<string | undefined> {
      if ((await countUsers(db)) > 0) return undefined;
      try {
        const { generatedPassword } = await createUser({ username: 'admin', role: 'admin', actor: 'appban' });
        return generatedPassword;
      } catch (error) {
        if (error instanceof AppbanError && error.code === 'CONFLICT') return undefined;
        throw error;
      }
    },

    async login(username: string, password: string): Promise<{ token: string; principal: Principal }> {
      const row = await findUserRow(db, username.trim().toLowerCase());
      const ok = await verifyPassword(row?.password_hash ?? (await decoy()), password);
      if (!row || !ok || row.disabled_at !== null) {
        throw new AppbanError('AUTH_FAILED', 'wrong username or password');
      }
      const token = randomToken();
      const csrfToken = randomToken(24);
      const at = clock();
      const sessionHash = sha256Hex(token);
      await db
        .insertInto('sessions')
        .values({
          token_hash: sessionHash,
          user_id: row.id,
          csrf_token: csrfToken,
          created_at: at,
          expires_at: at + SESSION_TTL_MS,
        })
        .execute();
      await db.deleteFrom('sessions').where('expires_at', '<', at).execute();
      return {
        token,
        principal: {
          kind: 'session',
          actor: row.username,
          username: row.username,
          role: row.role,
          permissions: ROLE_PERMISSIONS[row.role],
          csrfToken,
          sessionHash,
        },
      };
    },

    async logout(sessionHash: string): Promise<void> {
      await db.deleteFrom('sessions').where('token_hash', '=', sessionHash).execute();
    },

    async sessionPrincipal(token: string): Promise<Principal | undefined> {
      if (token.length < 20 || token.length > 100) return undefined;
      const sessionHash = sha256Hex(token);
      const row = await db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['u.username', 'u.role', 'u.disabled_at', 's.csrf_token', 's.expires_at'])
        .where('s.token_hash', '=', sessionHash)
        .executeTakeFirst();
      if (!row || row.expires_at <= clock() || row.disabled_at !== null) return undefined;
      return {
        kind: 'session',
        actor: row.username,
        username: row.username,
        role: row.role,
        permissions: ROLE_PERMISSIONS[row.role],
        csrfToken: row.csrf_token,
        sessionHash,
      };
    },

    async tokenPrincipal(bearer: string): Promise<Principal | undefined> {
      const parsed = parseToken(bearer);
      if (!parsed) return undefined;
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', parsed.id)
        .executeTakeFirst();
      const at = clock();
      if (!row || !sameSecret(row.token_hash, sha256Hex(parsed.secret))) return undefined;
      if (row.revoked_at !== null || row.expires_at <= at) return undefined;
      // Writing on every request would make each call a write; once a minute says enough.
      if (row.last_used_at === null || at - row.last_used_at > 60_000) {
        await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
      }
      return {
        kind: 'token',
        actor: `token:${row.name}`,
        role: row.role,
        permissions: ROLE_PERMISSIONS[row.role],
      };
    },

    async createToken(input: {
      name: string;
      role: Role;
      expiresInDays: number;
      actor: string;
    }): Promise<{ token: string; record: ApiToken }> {
      const name = input.name.trim();
      if (name === '' || name.length > 100)
        throw new AppbanError('USAGE', 'a token needs a name of 1–100 characters');
      if (
        !Number.isInteger(input.expiresInDays) ||
        input.expiresInDays < 1 ||
        input.expiresInDays > MAX_TOKEN_DAYS
      ) {
        throw new AppbanError('USAGE', `a token expires after 1 to ${MAX_TOKEN_DAYS} days`);
      }
      const id = randomBytes(6).toString('hex');
      const secret = randomToken();
      const at = clock();
      const record: ApiToken = {
        id,
        name,
        role: input.role,
        createdBy: input.actor,
        createdAt: at,
        expiresAt: at + input.expiresInDays * DAY_MS,
        revokedAt: null,
        lastUsedAt: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('api_tokens')
          .values({
            id,
            token_hash: sha256Hex(secret),
            name,
            role: input.role,
            created_by: input.actor,
            created_at: at,
            expires_at: record.expiresAt,
            revoked_at: null,
            last_used_at: null,
          })
          .execute();
        await recordAudit(trx, {
          actor: input.actor,
          action: 'token.created',
          objectType: 'token',
          objectId: id,
          details: { name, role: input.role, expiresAt: new Date(record.expiresAt).toISOString() },
          at,
        });
      });
      return { token: `${TOKEN_PREFIX}${id}_${secret}`, record };
    },

    async revokeToken(id: string, actor: string): Promise<ApiToken> {
      const at = clock();
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new AppbanError('NOT_FOUND', `no API token has id ${id}`);
        if (row.revoked_at === null) {
          await trx.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
          await recordAudit(trx, {
            actor,
            action: 'token.revoked',
            objectType: 'token',
            objectId: id,
            details: { name: row.name },
            at,
          });
        }
        return tokenRowToToken({ ...row, revoked_at: row.revoked_at ?? at });
      });
    },

    async listTokens(): Promise<ApiToken[]> {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
      return rows.map(tokenRowToToken);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

function tokenRowToToken(row: {
  id: string;
  name: string;
  role: Role;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** `abt_<12 hex id>_<secret>`; anything else is not a token. */
export function parseToken(text: string): { id: string; secret: string } | undefined {
  const match = /^abt_([0-9a-f]{12})_([A-Za-z0-9_-]{40,64})$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { id: match[1], secret: match[2] };
}
