import type { Db } from '../client.ts'

/** The user a known-device token belongs to, or null. */
export async function getDeviceUser(db: Db, tokenHash: string) {
  const [row] = await db<[{ userId: string }?]>`select user_id as "userId" from known_devices where token_hash = ${tokenHash}`
  return row?.userId ?? null
}

export async function insertDevice(db: Db, args: { tokenHash: string; userId: string }) {
  await db`insert into known_devices (token_hash, user_id) values (${args.tokenHash}, ${args.userId})`
}

export async function touchDevice(db: Db, tokenHash: string) {
  await db`update known_devices set last_used_at = now() where token_hash = ${tokenHash}`
}
