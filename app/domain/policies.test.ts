import { describe, expect, it } from 'vitest'
import {
  ROLES,
  canComment,
  canCreateNarrative,
  canEditNarrative,
  canManageNarrative,
  canManageWorkspace,
  canReadNarrative,
  canSeeWorkingMaterial,
  navigationFor,
  type Actor,
  type NarrativeStatus,
  type Role,
} from './policies.ts'

const actor = (role: Role): Actor => ({ userId: 'u', workspaceId: 'w', role })
const STATUSES: NarrativeStatus[] = ['draft', 'in_review', 'approved', 'archived']

// The product rules (issue 2, PRODUCT.md), written out per role so a change to a policy shows up
// here as a deliberate edit of the table.
const ABILITIES: Record<Role, { manageWorkspace: boolean; working: boolean; create: boolean; manageNarrative: boolean; comment: boolean }> =
  {
    owner: { manageWorkspace: true, working: true, create: true, manageNarrative: true, comment: true },
    editor: { manageWorkspace: false, working: true, create: true, manageNarrative: true, comment: true },
    commenter: { manageWorkspace: false, working: true, create: false, manageNarrative: false, comment: true },
    reader: { manageWorkspace: false, working: false, create: false, manageNarrative: false, comment: false },
  }

describe('policies', () => {
  it('has a row for every role', () => {
    expect(Object.keys(ABILITIES).sort()).toEqual([...ROLES].sort())
  })

  describe.each(ROLES)('%s', (role) => {
    const a = actor(role)
    const want = ABILITIES[role]

    it('workspace, working material, creating, managing and commenting', () => {
      expect({
        manageWorkspace: canManageWorkspace(a),
        working: canSeeWorkingMaterial(a),
        create: canCreateNarrative(a),
        manageNarrative: canManageNarrative(a),
        comment: canComment(a),
      }).toEqual(want)
    })

    it.each(STATUSES)('reads a %s narrative only when allowed', (status) => {
      // Readers (leadership) see approved narratives only; everyone else sees every status.
      expect(canReadNarrative(a, { status })).toBe(role !== 'reader' || status === 'approved')
    })

    it.each(STATUSES)('edits the text of a %s narrative only when allowed', (status) => {
      const writer = role === 'owner' || role === 'editor'
      expect(canEditNarrative(a, { status })).toBe(writer && status !== 'archived')
    })

    it('navigation matches the policies the pages check', () => {
      expect(navigationFor(a)).toEqual({
        narratives: want.working,
        roadmap: want.working,
        metrics: want.working,
        stack: want.working,
        approved: true,
        settings: want.manageWorkspace,
      })
    })
  })
})
