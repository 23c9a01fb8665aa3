/** The security-relevant events the audit log records, with how the log names them. */
export const AUDIT_ACTIONS = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'member.role_changed': 'Changed a role',
  'member.function_changed': 'Changed a function',
  'member.removed': 'Removed a member',
  'member.joined': 'Joined through an invite',
  'token.created': 'Created an API token',
  'token.revoked': 'Revoked an API token',
  'token.used': 'Used an API token',
  'export.downloaded': 'Exported data',
  'narrative.approved': 'Approved a narrative',
  'narrative.review_requested': 'Sent a narrative to review',
  'narrative.changes_requested': 'Requested changes to a narrative',
  'narrative.published': 'Published a narrative',
} as const
export type AuditAction = keyof typeof AUDIT_ACTIONS

export function auditLabel(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action
}
