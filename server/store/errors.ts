// Recognises constraint violations from either driver so repositories can raise StoreConflictError.

/** SQLite (better-sqlite3 SqliteError.code) or PostgreSQL (SQLSTATE 23505) unique/primary-key violation. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
