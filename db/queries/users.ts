import type { Db } from '../client.ts'

export interface UserRow {
  id: string
  email: string
  name: string
}

/** Inserts a user; a duplicate email raises unique violation 23505. */
export async function insertUser(db: Db, args: { email: string; name: string; passwordHash: string }) {
  const [row] = await db<[UserRow]>`
    insert into users (email, name, password_hash)
    values (${args.email}, ${args.name}, ${args.passwordHash})
    returning id, email, name`
  return row
}

/** The user and password hash for sign-in, or null. */
export async function getUserCredentials(db: Db, email: string) {
  const [row] = await db<[(UserRow & { passwordHash: string })?]>`
    select id, email, name, password_hash as "passwordHash" from users where email = ${email}`
  return row ?? null
}

export async function getUserById(db: Db, id: string) {
  const [row] = await db<[UserRow?]>`select id, email, name from users where id = ${id}`
  return row ?? null
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db<[{ n: number }]>`select count(*)::int as n from users`
  return row.n
}
