import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** What a repository reads through: the database or an open transaction. */
export type Executor = Kysely<Database>;

/** What a repository writes through when the write must be atomic with others, or locks. */
export type Trx = Transaction<Database>;
