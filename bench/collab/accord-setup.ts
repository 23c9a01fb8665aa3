/** A throw-away PostgreSQL database and an account, token and narratives made through the app's HTTP API. */
import postgres from 'postgres'

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

export async function createDatabase(): Promise<BenchDatabase> {
  const name = `accord_bench_${process.pid}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  let dropped = false
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return
      dropped = true
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await a.end()
      }
    },
  }
}

export interface AccordAccount {
  email: string
  password: string
  token: string
  cookie: string
  workspaceId: string
}

async function expectStatus(res: Response, ok: number[], what: string) {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
}

/** Signs up through the form (Origin = the server), then issues an API token with the password. */
export async function createAccount(port: number): Promise<AccordAccount> {
  const origin = `http://127.0.0.1:${port}`
  const email = `bench-${process.pid}@example.com`
  const password = 'bench-password-1'
  const signup = await fetch(`${origin}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'Bench Writer', email, password, workspaceName: 'Bench' }).toString(),
  })
  await expectStatus(signup, [302, 303], 'POST /signup')
  const cookie = (signup.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('accord_session='))
  if (!cookie) throw new Error('POST /signup: no accord_session cookie')
  const tok = await fetch(`${origin}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  await expectStatus(tok, [201], 'POST /api/v1/tokens')
  const body = (await tok.json()) as { token: string; workspace: { id: string } }
  return { email, password, token: body.token, cookie, workspaceId: body.workspace.id }
}

/** POST /api/v1/narratives `count` times (blank template); returns the ids. */
export async function createNarratives(port: number, token: string, count: number, label: string): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/narratives`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `${label} ${i + 1}`, template: 'blank' }),
    })
    await expectStatus(res, [201], 'POST /api/v1/narratives')
    ids.push(((await res.json()) as { id: string }).id)
  }
  return ids
}
