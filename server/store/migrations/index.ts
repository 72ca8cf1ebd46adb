// The ordered list of schema migrations, compiled in (no migration files to find at run time after a build).
import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { tailnetHostKeys } from './002-tailnet-host-keys.js';
import { tokenOwners } from './003-token-owners.js';
import { hostProtocol } from './004-host-protocol.js';
import { desktopCredentials } from './005-desktop-credentials.js';
import { shareLinks } from './006-share-links.js';
import { hostSettings } from './007-host-settings.js';
import { recordings } from './008-recordings.js';
import { auditLog } from './009-audit-log.js';
import { sealedRecordings } from './010-sealed-recordings.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-tailnet-host-keys': tailnetHostKeys,
  '003-token-owners': tokenOwners,
  '004-host-protocol': hostProtocol,
  '005-desktop-credentials': desktopCredentials,
  '006-share-links': shareLinks,
  '007-host-settings': hostSettings,
  '008-recordings': recordings,
  '009-audit-log': auditLog,
  '010-sealed-recordings': sealedRecordings,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
