import { z } from 'zod'

/** Settings read from the environment; invalid values stop start-up with one clear line. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./.data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('accord-demo'),
  /** The public origin (e.g. https://accord.example.com): links, Origin checks; default http://localhost:PORT for links. */
  APP_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /**
   * Proxies whose X-Forwarded-For/-Proto/-Host are believed: Express's list ("loopback",
   * "10.0.0.0/8, 192.168.1.7", …). Unset: none, the headers are dropped.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]*$/, 'must be a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal')
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  /** Seed the demo workspace on an empty database (default: on for the embedded database only). */
  SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional(),
  /** Requests per minute per API token (token bucket, per instance); 0 turns the limit off. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** How many requests a token may send at once before the per-minute rate applies. */
  API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(120),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})

export type Env = z.infer<typeof EnvSchema>

/** Parses `source` (default process.env); throws an Error whose message is one readable line. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = EnvSchema.safeParse(source)
  if (result.success) return result.data
  const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
  throw new Error(`Invalid configuration: ${problems.join('; ')}`)
}
