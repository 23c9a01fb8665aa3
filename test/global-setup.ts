import postgres from 'postgres'
import { migrate } from '../db/migrate.ts'
import { adminSql, urlFor } from './pg.ts'

/** Migrates one template database per run; each test file copies it (CREATE DATABASE … TEMPLATE). */
export default async function setup() {
  process.env.ACCORD_TEST_RUN ??= `${process.pid}`
  const name = `accord_test_tpl_${process.env.ACCORD_TEST_RUN}`
  const admin = adminSql()
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.unsafe(`create database ${name}`)
  const sql = postgres(urlFor(name), { max: 1, onnotice: () => {} })
  await migrate(sql)
  await sql.end()
  return async () => {
    const dbs = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`accord_test_%_${process.env.ACCORD_TEST_RUN}%`}`
    for (const { datname } of dbs) await admin.unsafe(`drop database if exists ${datname} with (force)`)
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}
