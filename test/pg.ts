import postgres from 'postgres'

/** The PostgreSQL server the tests use (a real one; trust auth on these machines). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${database}`
  return url.toString()
}

export function adminSql() {
  return postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
}

/** The migrated template every test database is copied from (named per run). */
export const TEMPLATE_DB = `accord_test_tpl_${process.env.ACCORD_TEST_RUN ?? 'local'}`
