import { z } from 'zod'
import { FUNCTIONS, ROLES } from '#app/domain/policies.ts'

/** Shared by the forms (client hints) and the server (the real check). */
export const EmailSchema = z
  .string({ error: 'Email is required' })
  .trim()
  .min(1, 'Email is required')
  .max(254, 'Email is too long')
  .pipe(z.email('Enter a valid email address'))
  .transform((e) => e.toLowerCase())

export const PasswordSchema = z
  .string({ error: 'Password is required' })
  .min(8, 'Password must be at least 8 characters')
  .max(200, 'Password must be at most 200 characters')

export const NameSchema = z
  .string({ error: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(100, 'Name must be at most 100 characters')

export const WorkspaceNameSchema = z
  .string({ error: 'Workspace name is required' })
  .trim()
  .min(1, 'Workspace name is required')
  .max(100, 'Workspace name must be at most 100 characters')

export const SignUpSchema = z.object({
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
  workspaceName: WorkspaceNameSchema,
})

/** Joining through an invite: no workspace of one's own is created. */
export const InviteSignUpSchema = z.object({ name: NameSchema, email: EmailSchema, password: PasswordSchema })

export const SignInSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(200),
})

export const RoleSchema = z.enum(ROLES, { error: 'Choose a role' })
export const FunctionSchema = z.enum(FUNCTIONS, { error: 'Choose a function' })

export const CreateInviteSchema = z.object({
  role: RoleSchema,
  function: FunctionSchema,
  /** The one address that may accept the invite. */
  email: EmailSchema,
})

export const ChangeRoleSchema = z.object({ userId: z.uuid('Unknown member'), role: RoleSchema })
/** PATCH /api/v1/members/ID: a new role and/or function. */
export const MemberPatchSchema = z
  .strictObject({ role: RoleSchema.optional(), function: FunctionSchema.optional() })
  .refine((p) => p.role !== undefined || p.function !== undefined, { error: 'Send a role, a function or both' })
export const MemberIdSchema = z.uuid()
export const RemoveMemberSchema = z.object({ userId: z.uuid('Unknown member') })

export const TOKEN_SCOPES = ['read', 'write'] as const
export const TokenScopeSchema = z.enum(TOKEN_SCOPES, { error: 'Scope must be read or write' })

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, 'Name the token').max(100, 'Name must be at most 100 characters'),
  scope: TokenScopeSchema.default('write'),
})

export const ApiTokenRequestSchema = z.object({
  email: EmailSchema,
  password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(200),
  workspace: z.string().trim().min(1).max(100).optional(),
  scope: TokenScopeSchema.default('write').describe('read: GET only; write: everything the member may do'),
})
