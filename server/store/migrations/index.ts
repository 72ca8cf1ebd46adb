// The ordered list of schema migrations, compiled in (no migration files to find at run time after a build).
import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
