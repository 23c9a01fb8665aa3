/**
 * The authorization walk: every route file in app/routes has an entry below, and each of its
 * requests is made over real HTTP as signed out, owner, editor, commenter, reader and a member of
 * another workspace (who asks for this workspace's objects). A new route file without an entry
 * fails the first test, so later routes are covered the moment they are added.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENDPOINTS } from '#app/api/openapi.ts'
import { useTestDatabase } from '#test/db.ts'
import {
  buildApiToken,
  buildNarrative,
  buildWorkspace,
  PASSWORD,
  sessionCookie,
  type Person,
  type WorkspaceFixture,
} from '#test/factories.ts'
import { outcome, startApp, type RunningApp } from '#test/routes.ts'
import { createSession } from '#app/services/accounts.server.ts'
import { createInvite } from '#app/services/workspaces.server.ts'
import { createCapability } from '#app/services/inventory/capabilities.server.ts'
import { createIntegration } from '#app/services/inventory/integrations.server.ts'
import { createSystem } from '#app/services/inventory/systems.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { IntegrationInputSchema, RequirementInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { addRequirement } from '#app/services/feasibility.server.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { InitiativeInputSchema } from '#app/schemas/roadmap.ts'
import { createInitiative } from '#app/services/roadmap.server.ts'
import { addCommitment } from '#app/services/metrics/commitments.server.ts'
import { decideReview, requestReview } from '#app/services/reviews.server.ts'

const db = await useTestDatabase()

const PERSONAS = ['anon', 'owner', 'editor', 'commenter', 'reader', 'foreign'] as const
type Persona = (typeof PERSONAS)[number]
/** A status, or `302 /path` for a redirect to that path. */
type Expected = number | `${301 | 302 | 303} /${string}`

interface Ctx {
  workspaceId: string
  /** A draft narrative of the walked workspace. */
  draftId: string
  /** An approved narrative of the walked workspace (readers may open it). */
  approvedId: string
  /** Inventory objects and a metric of the walked workspace. */
  systemId: string
  capabilityId: string
  integrationId: string
  /** A new integration of the walked workspace (for probes that delete one). */
  freshIntegrationId: () => Promise<string>
  /** A second system of the walked workspace (the other end of an integration). */
  otherSystemId: string
  /** New objects of the walked workspace, for probes that delete one. */
  freshSystemId: () => Promise<string>
  freshCapabilityId: () => Promise<string>
  freshInitiativeId: () => Promise<string>
  /** A new requirement on the draft narrative. */
  freshRequirementId: () => Promise<string>
  metricKey: string
  /** A narrative with an approved (frozen) version, and that version (issue 7). */
  publishedId: string
  publishedVersionId: string
  /** A fresh draft narrative of the walked workspace (for probes that change its review state). */
  freshNarrativeId: () => Promise<string>
  /** A fresh narrative in review by the owner, the editor and the commenter. */
  inReviewId: () => Promise<string>
  /** A fresh, open invite link token of the walked workspace. */
  inviteToken: () => Promise<string>
  /** Members of the walked workspace (the owner is its only owner). */
  ownerId: string
  readerId: string
  persona: Persona
  person: Person | null
}

interface Probe {
  label: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: (ctx: Ctx) => string | Promise<string>
  form?: (ctx: Ctx) => Record<string, string> | Promise<Record<string, string>>
  json?: (ctx: Ctx) => unknown
  /** A raw CSV body (imports). */
  csv?: string
  /** A raw body of another type (a JSON text that does not parse). */
  raw?: { body: string; type: string }
  /** API: authenticate with a Bearer token instead of the session cookie. */
  api?: boolean
  /** The request changes the session (sign-out, switch…): use a throwaway session of the persona. */
  throwawaySession?: boolean
  /**
   * Personas whose refusal is about an object the body names (an unknown thread, commitment,
   * workspace), not a right they lack: with a garbled body they are told the field rules (400).
   */
  refusedByBody?: Persona[]
  /** A stream (SSE): only the status line is read. */
  stream?: boolean
  expect: Record<Persona, Expected>
}

// Shorthands for the expectation rows.
const LOGIN = '302 /login' as const
const signedIn = (e: Expected) => ({ owner: e, editor: e, commenter: e, reader: e, foreign: e })
const row = (
  anon: Expected,
  members: Partial<Record<Exclude<Persona, 'anon'>, Expected>> & { rest: Expected },
): Record<Persona, Expected> => {
  const { rest, ...some } = members
  return { anon, ...signedIn(rest), ...some }
}

/**
 * Expectations per route file. `layout` marks pathless layout routes (their loaders run, and are
 * walked, with every child below).
 */
const ROUTES: Record<string, Probe[] | 'layout'> = {
  '_app.tsx': 'layout',
  '_app.settings.tsx': 'layout',
  '_index.tsx': [{ label: 'GET /', method: 'GET', path: () => '/', expect: row(LOGIN, { rest: '302 /home' }) }],
  'login.tsx': [
    { label: 'GET /login', method: 'GET', path: () => '/login', expect: row(200, { rest: '302 /' }) },
    // Signed in: the page's loader sends them home whatever the action answered.
    { label: 'POST /login (empty form)', method: 'POST', path: () => '/login', form: () => ({}), expect: row(400, { rest: '302 /' }) },
  ],
  'signup.tsx': [
    { label: 'GET /signup', method: 'GET', path: () => '/signup', expect: row(200, { rest: '302 /' }) },
    { label: 'POST /signup (empty form)', method: 'POST', path: () => '/signup', form: () => ({}), expect: row(400, { rest: '302 /' }) },
  ],
  'logout.tsx': [
    { label: 'GET /logout', method: 'GET', path: () => '/logout', expect: row('302 /', { rest: '302 /' }) },
    {
      label: 'POST /logout',
      method: 'POST',
      path: () => '/logout',
      form: () => ({}),
      throwawaySession: true,
      expect: row(LOGIN, { rest: LOGIN }),
    },
  ],
  'workspaces.new.tsx': [
    { label: 'GET /workspaces/new', method: 'GET', path: () => '/workspaces/new', expect: row(LOGIN, { rest: 200 }) },
    {
      label: 'POST /workspaces/new (empty name)',
      method: 'POST',
      path: () => '/workspaces/new',
      form: () => ({ workspaceName: '' }),
      expect: row(LOGIN, { rest: 400 }),
    },
  ],
  'workspaces.switch.tsx': [
    { label: 'GET /workspaces/switch', method: 'GET', path: () => '/workspaces/switch', expect: row('302 /home', { rest: '302 /home' }) },
    {
      label: 'POST /workspaces/switch (to the walked workspace)',
      method: 'POST',
      path: () => '/workspaces/switch',
      form: (c) => ({ workspaceId: c.workspaceId }),
      throwawaySession: true,
      expect: row(LOGIN, { rest: '302 /home', foreign: 404 }),
      refusedByBody: ['foreign'],
    },
  ],
  'events.ts': [{ label: 'GET /events', method: 'GET', path: () => '/events', stream: true, expect: row(LOGIN, { rest: 200 }) }],
  '_app.home.tsx': [{ label: 'GET /home', method: 'GET', path: () => '/home', expect: row(LOGIN, { rest: 200 }) }],
  '_app.approved.tsx': [{ label: 'GET /approved', method: 'GET', path: () => '/approved', expect: row(LOGIN, { rest: 200 }) }],
  '_app.roadmap.tsx': [
    { label: 'GET /roadmap', method: 'GET', path: () => '/roadmap', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /roadmap (create an initiative)',
      method: 'POST',
      path: () => '/roadmap',
      form: (c) => ({ intent: 'create', title: `Walked page ${c.persona}`, timeframe: 'next', effort: 'M' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
    {
      label: 'POST /roadmap (scoring weights)',
      method: 'POST',
      path: () => '/roadmap',
      form: () => ({ intent: 'weights', defaultWeight: '1', failFactor: '0.5', penaliseFailing: 'on' }),
      expect: row(LOGIN, { rest: 200, editor: 403, commenter: 403, reader: 403 }),
    },
  ],
  '_app.roadmap.$id.tsx': [
    {
      label: 'GET /roadmap/:walked',
      method: 'GET',
      path: async () => `/roadmap/${await walkInitiative()}`,
      expect: row(LOGIN, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'GET /roadmap/:random',
      method: 'GET',
      path: () => `/roadmap/${crypto.randomUUID()}`,
      expect: row(LOGIN, { rest: 404, reader: 403 }),
    },
    {
      label: 'POST /roadmap/:walked (stance)',
      method: 'POST',
      // Its own initiative: the API probe below expects each persona's first stance (201).
      path: async () => `/roadmap/${await walkInitiative('page')}`,
      form: () => ({ intent: 'stance', stance: 'concern', reason: 'Needs the pilot numbers first' }),
      expect: row(LOGIN, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'POST /roadmap/:walked (edit)',
      method: 'POST',
      path: async () => `/roadmap/${await walkInitiative()}`,
      form: () => ({ intent: 'update', status: 'planned' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  '_app.narratives._index.tsx': [
    { label: 'GET /narratives', method: 'GET', path: () => '/narratives', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /narratives (create)',
      method: 'POST',
      path: () => '/narratives',
      form: () => ({ title: 'Walked', template: 'blank' }),
      // The foreign member creates in their own workspace: nothing of the walked one is touched.
      expect: row(LOGIN, { rest: '302 /narratives/', commenter: 403, reader: 403 }),
    },
    {
      label: 'POST /reviews (the review note)',
      method: 'POST',
      path: () => '/reviews',
      form: () => ({ intent: 'note', cadence: 'month', period: '2026-10', body: 'Walked.' }),
      // The overall note is for owners and editors; the foreign member writes in their own workspace.
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
  ],
  '_app.narratives.$id.tsx': [
    {
      label: 'GET /narratives/:draft',
      method: 'GET',
      path: (c) => `/narratives/${c.draftId}`,
      expect: row(LOGIN, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /narratives/:approved',
      method: 'GET',
      path: (c) => `/narratives/${c.approvedId}`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
    {
      label: 'GET /narratives/:random',
      method: 'GET',
      path: () => `/narratives/${crypto.randomUUID()}`,
      expect: row(LOGIN, { rest: 404 }),
    },
    { label: 'GET /narratives/:not-a-uuid', method: 'GET', path: () => '/narratives/not-a-uuid', expect: row(LOGIN, { rest: 404 }) },
    {
      label: 'POST /narratives/:draft (rename)',
      method: 'POST',
      path: (c) => `/narratives/${c.draftId}`,
      form: () => ({ intent: 'rename', title: 'Renamed by the walk' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 404, foreign: 404 }),
    },
    {
      label: 'POST /narratives/:draft/commitments (update an unknown one)',
      method: 'POST',
      path: (c) => `/narratives/${c.draftId}/commitments`,
      form: () => ({
        intent: 'update',
        commitmentId: '00000000-0000-4000-8000-000000000000',
        baseline: '1',
        target: '2',
        dueOn: '2099-01-01',
        granularity: 'month',
      }),
      expect: row(LOGIN, { rest: 404, commenter: 403, reader: 404, foreign: 404 }),
      refusedByBody: ['owner', 'editor'],
    },
  ],
  '_app.narratives.$id_.feasibility.tsx': [
    {
      label: 'GET /narratives/:draft/feasibility',
      method: 'GET',
      path: (c) => `/narratives/${c.draftId}/feasibility`,
      expect: row(LOGIN, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /narratives/:random/feasibility',
      method: 'GET',
      path: () => `/narratives/${crypto.randomUUID()}/feasibility`,
      expect: row(LOGIN, { rest: 404 }),
    },
    {
      label: 'POST /narratives/:draft/feasibility (add a requirement)',
      method: 'POST',
      path: (c) => `/narratives/${c.draftId}/feasibility`,
      form: () => ({ intent: 'add', kind: 'capability', capability: 'Walk capability' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 404, foreign: 404 }),
    },
  ],
  'resources.typeahead.ts': [
    {
      label: 'GET /resources/typeahead (#)',
      method: 'GET',
      path: () => '/resources/typeahead?trigger=hash&q=walk',
      // The foreign member searches their own workspace.
      expect: row(LOGIN, { rest: 200, reader: 403 }),
    },
    {
      label: 'GET /resources/typeahead (bad trigger)',
      method: 'GET',
      path: () => '/resources/typeahead?trigger=at',
      expect: row(LOGIN, { rest: 400 }),
    },
  ],
  'resources.narratives.$id.evidence.ts': [
    {
      label: 'GET /resources/narratives/:draft/evidence',
      method: 'GET',
      path: (c) => `/resources/narratives/${c.draftId}/evidence?capability=${c.capabilityId}&system=${c.systemId}`,
      expect: row(LOGIN, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /resources/narratives/:approved/evidence',
      method: 'GET',
      path: (c) => `/resources/narratives/${c.approvedId}/evidence`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
  ],
  // /settings only forwards to /settings/members (whose loader answers 302 /login or 403).
  '_app.settings._index.tsx': [
    {
      label: 'GET /settings',
      method: 'GET',
      path: () => '/settings',
      expect: row(LOGIN, { rest: 403, owner: '302 /settings/members', foreign: '302 /settings/members' }),
    },
  ],
  '_app.settings.members.tsx': [
    {
      label: 'GET /settings/members',
      method: 'GET',
      path: () => '/settings/members',
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
    {
      label: 'POST /settings/members (invite)',
      method: 'POST',
      path: () => '/settings/members',
      form: () => ({ intent: 'invite', role: 'reader', function: 'other', email: 'walk-invitee@example.test' }),
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
  ],
  '_app.settings.tokens.tsx': [
    {
      label: 'GET /settings/tokens',
      method: 'GET',
      path: () => '/settings/tokens',
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
    {
      label: 'POST /settings/tokens (create)',
      method: 'POST',
      path: () => '/settings/tokens',
      form: () => ({ intent: 'create', name: 'walk' }),
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
  ],
  'api.v1.tokens.ts': [
    {
      label: 'POST /api/v1/tokens (own credentials)',
      method: 'POST',
      api: true,
      path: () => '/api/v1/tokens',
      json: (c) => (c.person ? { email: c.person.email, password: PASSWORD } : {}),
      expect: row(400, { rest: 201 }),
    },
    { label: 'GET /api/v1/tokens', method: 'GET', path: () => '/api/v1/tokens', expect: row(405, { rest: 405 }) },
  ],
  'api.v1.members._index.ts': [
    // Readers are refused, as search leaves members out for them; the foreign owner lists their own workspace.
    { label: 'GET /api/v1/members', method: 'GET', api: true, path: () => '/api/v1/members', expect: row(401, { rest: 200, reader: 403 }) },
    {
      label: 'POST /api/v1/members',
      method: 'POST',
      api: true,
      path: () => '/api/v1/members',
      json: () => ({}),
      expect: row(405, { rest: 405 }),
    },
  ],
  'api.v1.members.$id.ts': [
    {
      label: 'GET /api/v1/members/:reader',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/members/${c.readerId}`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      // The role it already has: the walk's members keep their roles (checked after the walk).
      label: 'PATCH /api/v1/members/:reader (same role)',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/members/${c.readerId}`,
      json: () => ({ role: 'reader' }),
      expect: row(401, { rest: 403, owner: 200, foreign: 404 }),
    },
    {
      label: 'PATCH /api/v1/members/:owner (demote the last owner)',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/members/${c.ownerId}`,
      json: () => ({ role: 'editor' }),
      expect: row(401, { rest: 403, owner: 409, foreign: 404 }),
    },
  ],
  'api.v1.me.ts': [{ label: 'GET /api/v1/me', method: 'GET', api: true, path: () => '/api/v1/me', expect: row(401, { rest: 200 }) }],
  'api.v1.narratives._index.ts': [
    { label: 'GET /api/v1/narratives', method: 'GET', api: true, path: () => '/api/v1/narratives', expect: row(401, { rest: 200 }) },
    {
      label: 'POST /api/v1/narratives',
      method: 'POST',
      api: true,
      path: () => '/api/v1/narratives',
      json: () => ({ title: 'Walked by API', template: 'prfaq' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.narratives.$id.ts': [
    {
      label: 'GET /api/v1/narratives/:draft',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}`,
      expect: row(401, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:approved',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.approvedId}`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:random',
      method: 'GET',
      api: true,
      path: () => `/api/v1/narratives/${crypto.randomUUID()}`,
      expect: row(401, { rest: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:not-a-uuid',
      method: 'GET',
      api: true,
      path: () => '/api/v1/narratives/123',
      expect: row(401, { rest: 404 }),
    },
  ],
  'api.v1.$.ts': [
    { label: 'GET /api/v1/unknown', method: 'GET', api: true, path: () => '/api/v1/unknown', expect: row(404, { rest: 404 }) },
    {
      label: 'POST /api/v1/unknown',
      method: 'POST',
      api: true,
      path: () => '/api/v1/unknown',
      json: () => ({}),
      expect: row(404, { rest: 404 }),
    },
  ],
  // --- Tech stack (working material: readers get 403 before anything is looked up) ---------------
  '_app.stack.tsx': 'layout',
  '_app.stack._index.tsx': [
    { label: 'GET /stack', method: 'GET', path: () => '/stack', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /stack (create system)',
      method: 'POST',
      path: () => '/stack?index',
      form: (c) => ({ name: `Walked CRM ${c.persona}`, category: 'crm', lifecycle: 'active' }),
      expect: row(LOGIN, { rest: '302 /stack/systems/', commenter: 403, reader: 403 }),
    },
  ],
  '_app.stack.map.tsx': [
    { label: 'GET /stack/map', method: 'GET', path: () => '/stack/map', expect: row(LOGIN, { rest: 200, reader: 403 }) },
  ],
  '_app.stack.capabilities.tsx': [
    { label: 'GET /stack/capabilities', method: 'GET', path: () => '/stack/capabilities', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /stack/capabilities (create)',
      method: 'POST',
      path: () => '/stack/capabilities',
      form: (c) => ({ intent: 'create', name: `Walked capability ${c.persona}`, description: '' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
  ],
  '_app.stack.integrations.tsx': [
    { label: 'GET /stack/integrations', method: 'GET', path: () => '/stack/integrations', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /stack/integrations (delete one)',
      method: 'POST',
      path: () => '/stack/integrations',
      form: async (c) => ({ intent: 'delete', integrationId: await c.freshIntegrationId() }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
      refusedByBody: ['foreign'],
    },
  ],
  '_app.stack.systems.$id.tsx': [
    {
      label: 'GET /stack/systems/:walked',
      method: 'GET',
      path: (c) => `/stack/systems/${c.systemId}`,
      expect: row(LOGIN, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'GET /stack/systems/:random',
      method: 'GET',
      path: () => `/stack/systems/${crypto.randomUUID()}`,
      expect: row(LOGIN, { rest: 404, reader: 403 }),
    },
    {
      label: 'GET /stack/systems/:not-a-uuid',
      method: 'GET',
      path: () => '/stack/systems/nope',
      expect: row(LOGIN, { rest: 404, reader: 403 }),
    },
    {
      label: 'POST /stack/systems/:walked (support)',
      method: 'POST',
      path: (c) => `/stack/systems/${c.systemId}`,
      form: (c) => ({ intent: 'support', capabilityId: c.capabilityId, level: 'partial', note: '' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  '_app.stack.export.$kind.tsx': [
    {
      label: 'GET /stack/export/systems',
      method: 'GET',
      path: () => '/stack/export/systems',
      expect: row(LOGIN, { rest: 200, reader: 403 }),
    },
    {
      label: 'GET /stack/export/unknown',
      method: 'GET',
      path: () => '/stack/export/passwords',
      expect: row(LOGIN, { rest: 404, reader: 403 }),
    },
  ],
  '_app.stack.import.tsx': [
    {
      label: 'GET /stack/import',
      method: 'GET',
      path: () => '/stack/import',
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
  ],
  '_app.stack.import.upload.tsx': [
    {
      label: 'POST /stack/import/upload (dry run)',
      method: 'POST',
      path: () => '/stack/import/upload?kind=systems&dryRun=true',
      csv: 'name,category,lifecycle\nWalked import,crm,active\n',
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
  ],

  // --- REST API: inventory --------------------------------------------------------------------------
  'api.v1.systems._index.ts': [
    { label: 'GET /api/v1/systems', method: 'GET', api: true, path: () => '/api/v1/systems', expect: row(401, { rest: 200, reader: 403 }) },
    {
      label: 'POST /api/v1/systems',
      method: 'POST',
      api: true,
      path: () => '/api/v1/systems',
      json: (c) => ({ name: `Walked API system ${c.persona}`, category: 'crm', lifecycle: 'active' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.systems.$id.ts': [
    {
      label: 'GET /api/v1/systems/:walked',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/systems/${c.systemId}`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/systems/:random',
      method: 'GET',
      api: true,
      path: () => `/api/v1/systems/${crypto.randomUUID()}`,
      expect: row(401, { rest: 404, reader: 403 }),
    },
    // A malformed id is refused before the policy is asked: 404 for readers too (nothing is revealed).
    {
      label: 'GET /api/v1/systems/:not-a-uuid',
      method: 'GET',
      api: true,
      path: () => '/api/v1/systems/nope',
      expect: row(401, { rest: 404 }),
    },
    {
      label: 'PATCH /api/v1/systems/:walked',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/systems/${c.systemId}`,
      json: () => ({ notes: 'Walked' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/systems/:fresh',
      method: 'DELETE',
      api: true,
      path: async (c) => `/api/v1/systems/${await c.freshSystemId()}`,
      expect: row(401, { rest: 204, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.systems.$id.capabilities.ts': [
    {
      label: 'PUT /api/v1/systems/:walked/capabilities',
      method: 'PUT',
      api: true,
      path: (c) => `/api/v1/systems/${c.systemId}/capabilities`,
      json: (c) => ({ capability: c.capabilityId, level: 'native' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.capabilities._index.ts': [
    {
      label: 'GET /api/v1/capabilities',
      method: 'GET',
      api: true,
      path: () => '/api/v1/capabilities',
      expect: row(401, { rest: 200, reader: 403 }),
    },
    {
      label: 'POST /api/v1/capabilities',
      method: 'POST',
      api: true,
      path: () => '/api/v1/capabilities',
      json: (c) => ({ name: `Walked API capability ${c.persona}`, description: '' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.capabilities.$id.ts': [
    {
      label: 'GET /api/v1/capabilities/:walked',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/capabilities/${c.capabilityId}`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'PATCH /api/v1/capabilities/:walked',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/capabilities/${c.capabilityId}`,
      json: () => ({ description: 'Walked' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/capabilities/:fresh',
      method: 'DELETE',
      api: true,
      path: async (c) => `/api/v1/capabilities/${await c.freshCapabilityId()}`,
      expect: row(401, { rest: 204, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.integrations._index.ts': [
    {
      label: 'GET /api/v1/integrations',
      method: 'GET',
      api: true,
      path: () => '/api/v1/integrations',
      expect: row(401, { rest: 200, reader: 403 }),
    },
    {
      label: 'POST /api/v1/integrations (between the walked systems)',
      method: 'POST',
      api: true,
      path: () => '/api/v1/integrations',
      json: (c) => ({
        fromSystemId: c.systemId,
        toSystemId: c.otherSystemId,
        name: `Walked API sync ${c.persona}`,
        direction: 'one_way',
        objects: 'contacts',
        frequency: 'daily',
        status: 'active',
      }),
      // The foreign member names systems of another workspace: a field error, the same as for ids that
      // exist nowhere (nothing is revealed, nothing crosses).
      expect: row(401, { rest: 201, commenter: 403, reader: 403, foreign: 400 }),
    },
  ],
  'api.v1.integrations.$id.ts': [
    {
      label: 'GET /api/v1/integrations/:walked',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/integrations/${c.integrationId}`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'PATCH /api/v1/integrations/:walked',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/integrations/${c.integrationId}`,
      json: () => ({ status: 'broken' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/integrations/:fresh',
      method: 'DELETE',
      api: true,
      path: async (c) => `/api/v1/integrations/${await c.freshIntegrationId()}`,
      expect: row(401, { rest: 204, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.inventory.import.ts': [
    {
      label: 'POST /api/v1/inventory/import (dry run)',
      method: 'POST',
      api: true,
      path: () => '/api/v1/inventory/import?kind=systems&dryRun=true',
      csv: 'name,category,lifecycle\nWalked import,crm,active\n',
      expect: row(401, { rest: 200, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.narratives.$id.requirements.ts': [
    {
      label: 'GET /api/v1/narratives/:draft/requirements',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/requirements`,
      expect: row(401, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/narratives/:draft/requirements',
      method: 'POST',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/requirements`,
      json: () => ({ kind: 'capability', capability: 'Walk capability' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 404, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/narratives/:draft/requirements?id=:fresh',
      method: 'DELETE',
      api: true,
      path: async (c) => `/api/v1/narratives/${c.draftId}/requirements?id=${await c.freshRequirementId()}`,
      expect: row(401, { rest: 204, commenter: 403, reader: 404, foreign: 404 }),
    },
  ],
  'api.v1.narratives.$id.feasibility.ts': [
    {
      label: 'GET /api/v1/narratives/:draft/feasibility',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/feasibility`,
      expect: row(401, { rest: 200, reader: 404, foreign: 404 }),
    },
  ],

  // --- Metrics (dashboards are for every member, readers included; owners and editors write) -------
  '_app.metrics._index.tsx': [{ label: 'GET /metrics', method: 'GET', path: () => '/metrics', expect: row(LOGIN, { rest: 200 }) }],
  '_app.metrics.$key.tsx': [
    {
      label: 'GET /metrics/:walked',
      method: 'GET',
      path: (c) => `/metrics/${c.metricKey}`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
    { label: 'GET /metrics/:unknown', method: 'GET', path: () => '/metrics/no_such_metric', expect: row(LOGIN, { rest: 404 }) },
    {
      label: 'POST /metrics/:walked (grid)',
      method: 'POST',
      path: (c) => `/metrics/${c.metricKey}`,
      form: () => ({ intent: 'values', 'actual:2026-02': '7' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  '_app.metrics.new.tsx': [
    {
      label: 'GET /metrics/new',
      method: 'GET',
      path: () => '/metrics/new',
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
    {
      label: 'POST /metrics/new (empty form)',
      method: 'POST',
      path: () => '/metrics/new',
      form: () => ({}),
      expect: row(LOGIN, { rest: 400, commenter: 403, reader: 403 }),
    },
  ],
  '_app.metrics.import.tsx': [
    {
      label: 'GET /metrics/import',
      method: 'GET',
      path: () => '/metrics/import',
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403 }),
    },
    {
      label: 'POST /metrics/import (preview)',
      method: 'POST',
      path: () => '/metrics/import',
      form: () => ({ intent: 'preview', csv: 'metric,period,value\nwalk_pipeline,2026-01,5\n' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 403, foreign: 400 }),
    },
  ],
  '_app.metrics.funnel.tsx': [
    { label: 'GET /metrics/funnel', method: 'GET', path: () => '/metrics/funnel', expect: row(LOGIN, { rest: 200 }) },
  ],
  '_app.metrics.settings.tsx': [
    {
      label: 'GET /metrics/settings',
      method: 'GET',
      path: () => '/metrics/settings',
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
    {
      label: 'POST /metrics/settings (empty form)',
      method: 'POST',
      path: () => '/metrics/settings',
      form: () => ({}),
      expect: row(LOGIN, { rest: 403, owner: 400, foreign: 400 }),
    },
  ],
  '_app.reviews.tsx': [
    { label: 'GET /reviews', method: 'GET', path: () => '/reviews?cadence=quarter', expect: row(LOGIN, { rest: 200 }) },
    { label: 'GET /reviews (bad cadence)', method: 'GET', path: () => '/reviews?cadence=year', expect: row(LOGIN, { rest: 400 }) },
    {
      label: 'POST /reviews (start the review narrative)',
      method: 'POST',
      path: () => '/reviews',
      form: () => ({ cadence: 'quarter' }),
      // The foreign member starts one in their own workspace: nothing of the walked one is touched.
      expect: row(LOGIN, { rest: '302 /narratives/', commenter: 403, reader: 403 }),
    },
  ],
  '_app.narratives.$id_.commitments.tsx': [
    {
      label: 'GET /narratives/:draft/commitments',
      method: 'GET',
      path: (c) => `/narratives/${c.draftId}/commitments`,
      expect: row(LOGIN, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /narratives/:approved/commitments',
      method: 'GET',
      path: (c) => `/narratives/${c.approvedId}/commitments`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
    {
      label: 'POST /narratives/:draft/commitments (add)',
      method: 'POST',
      path: (c) => `/narratives/${c.draftId}/commitments`,
      form: (c) => ({ intent: 'add', metricKey: c.metricKey, baseline: '1', target: '2', dueOn: '2099-01-01', granularity: 'month' }),
      expect: row(LOGIN, { rest: 200, commenter: 403, reader: 404, foreign: 404 }),
    },
  ],
  'api.v1.metrics._index.ts': [
    { label: 'GET /api/v1/metrics', method: 'GET', api: true, path: () => '/api/v1/metrics', expect: row(401, { rest: 200 }) },
    {
      label: 'POST /api/v1/metrics',
      method: 'POST',
      api: true,
      path: () => '/api/v1/metrics',
      json: (c) => ({
        key: `walked_${c.persona}`,
        name: 'Walked',
        unit: 'count',
        direction: 'higher',
        indicator: 'leading',
        aggregation: 'sum',
      }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.metrics.$key.ts': [
    {
      label: 'GET /api/v1/metrics/:walked',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/metrics/:unknown',
      method: 'GET',
      api: true,
      path: () => '/api/v1/metrics/no_such_metric',
      expect: row(401, { rest: 404 }),
    },
    {
      label: 'PATCH /api/v1/metrics/:walked',
      method: 'PATCH',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}`,
      json: () => ({ name: 'Walk pipeline' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.metrics.$key.actuals.ts': [
    {
      label: 'GET /api/v1/metrics/:walked/actuals',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}/actuals`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'PUT /api/v1/metrics/:walked/actuals',
      method: 'PUT',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}/actuals`,
      json: () => [{ period: '2026-01', value: 10 }],
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.metrics.$key.targets.ts': [
    {
      label: 'GET /api/v1/metrics/:walked/targets',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}/targets`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'PUT /api/v1/metrics/:walked/targets',
      method: 'PUT',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}/targets`,
      json: () => [{ period: '2026-01', value: 12 }],
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.metrics.$key.series.ts': [
    {
      label: 'GET /api/v1/metrics/:walked/series',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/metrics/${c.metricKey}/series?granularity=month`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
  ],
  'api.v1.metrics.import.ts': [
    {
      label: 'POST /api/v1/metrics/import (dry run)',
      method: 'POST',
      api: true,
      path: () => '/api/v1/metrics/import?dryRun=true',
      csv: 'metric,period,value\nwalk_pipeline,2026-01,5\n',
      // The foreign member's workspace has no such metric: a row error, nothing crosses.
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 400 }),
    },
    {
      label: 'GET /api/v1/metrics/import',
      method: 'GET',
      api: true,
      path: () => '/api/v1/metrics/import',
      expect: row(405, { rest: 405 }),
    },
  ],
  'api.v1.narratives.$id.commitments.ts': [
    {
      label: 'GET /api/v1/narratives/:draft/commitments',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/commitments`,
      expect: row(401, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/narratives/:draft/commitments',
      method: 'POST',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/commitments`,
      json: (c) => ({ metricKey: c.metricKey, baseline: 1, target: 3, dueOn: '2099-06-30', granularity: 'quarter' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 404, foreign: 404 }),
    },
  ],

  // --- Review, approval, versions, the library (issue 7) -------------------------------------------
  'api.v1.narratives.$id.reviews.ts': [
    {
      label: 'GET /api/v1/narratives/:draft/reviews',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/reviews`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/narratives/:fresh/reviews',
      method: 'POST',
      api: true,
      path: async (c) => `/api/v1/narratives/${await c.freshNarrativeId()}/reviews`,
      json: () => ({ approverIds: [ws.owner.id, ws.editor.id], dueDate: '2099-01-31' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.narratives.$id.reviews.current.decision.ts': [
    {
      label: 'POST /api/v1/narratives/:in-review/reviews/current/decision (changes)',
      method: 'POST',
      api: true,
      path: async (c) => `/api/v1/narratives/${await c.inReviewId()}/reviews/current/decision`,
      json: () => ({ decision: 'changes', note: 'Walked' }),
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:draft/reviews/current/decision',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/reviews/current/decision`,
      expect: row(405, { rest: 405 }),
    },
  ],
  'api.v1.narratives.$id.versions._index.ts': [
    {
      label: 'GET /api/v1/narratives/:published/versions',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/versions`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.narratives.$id.versions.$vid.ts': [
    {
      label: 'GET /api/v1/narratives/:published/versions/:approved?format=markdown',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/versions/${c.publishedVersionId}?format=markdown`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:published/versions/:approved?format=pdf (bad format)',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/versions/${c.publishedVersionId}?format=pdf`,
      expect: row(401, { rest: 400, foreign: 400 }),
    },
  ],
  'api.v1.approved.ts': [
    { label: 'GET /api/v1/approved', method: 'GET', api: true, path: () => '/api/v1/approved', expect: row(401, { rest: 200 }) },
  ],
  'api.v1.narratives.$id.audit.ts': [
    {
      label: 'GET /api/v1/narratives/:published/audit',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/audit`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.narratives.$id.acknowledge.ts': [
    {
      label: 'POST /api/v1/narratives/:published/acknowledge',
      method: 'POST',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/acknowledge`,
      json: () => ({}),
      expect: row(401, { rest: 200, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/narratives/:draft/acknowledge (nothing approved)',
      method: 'POST',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/acknowledge`,
      json: () => ({}),
      expect: row(401, { rest: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:published/acknowledge',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/acknowledge`,
      expect: row(405, { rest: 405 }),
    },
  ],

  'resources.narratives.$id.review.ts': [
    {
      label: 'GET /resources/narratives/:draft/review',
      method: 'GET',
      path: (c) => `/resources/narratives/${c.draftId}/review`,
      expect: row(LOGIN, { rest: 200, reader: 403, foreign: 404 }),
    },
  ],
  '_app.narratives.$id_.versions.tsx': [
    {
      label: 'GET /narratives/:published/versions?v=:approved',
      method: 'GET',
      path: (c) => `/narratives/${c.publishedId}/versions?v=${c.publishedVersionId}`,
      // Readers may open approved versions of an approved narrative (never checkpoints or drafts).
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
    {
      label: 'POST /narratives/:draft/versions (repair: owners only)',
      method: 'POST',
      path: (c) => `/narratives/${c.draftId}/versions`,
      form: () => ({ intent: 'repair' }),
      expect: row(LOGIN, { owner: 200, rest: 403, reader: 404, foreign: 404 }),
    },
  ],
  'read.$id.tsx': [
    {
      label: 'GET /read/:published',
      method: 'GET',
      path: (c) => `/read/${c.publishedId}`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
    {
      label: 'GET /read/:draft (nothing approved)',
      method: 'GET',
      path: (c) => `/read/${c.draftId}`,
      expect: row(LOGIN, { rest: 404 }),
    },
    {
      label: 'POST /read/:published (acknowledge)',
      method: 'POST',
      path: (c) => `/read/${c.publishedId}`,
      form: () => ({ intent: 'acknowledge' }),
      // A plain form post: back to the reading view.
      expect: row(LOGIN, { rest: '303 /read/', foreign: 404 }),
    },
  ],
  'read.$id.export[.]md.ts': [
    {
      label: 'GET /read/:published/export.md',
      method: 'GET',
      path: (c) => `/read/${c.publishedId}/export.md`,
      expect: row(LOGIN, { rest: 200, foreign: 404 }),
    },
  ],
  'read.$id.export[.]pdf.ts': [
    {
      label: 'GET /read/:draft/export.pdf (nothing approved)',
      method: 'GET',
      path: (c) => `/read/${c.draftId}/export.pdf`,
      expect: row(LOGIN, { rest: 404 }),
    },
  ],
  'api.v1.narratives.$id.export[.]pdf.ts': [
    {
      label: 'GET /api/v1/narratives/:published/export.pdf',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.publishedId}/export.pdf`,
      expect: row(401, { rest: 200, foreign: 404 }),
    },
  ],
  'reviews.export[.]pdf.ts': [
    {
      label: 'GET /reviews/export.pdf?cadence=nope (invalid)',
      method: 'GET',
      path: () => '/reviews/export.pdf?cadence=nope',
      expect: row(LOGIN, { rest: 400 }),
    },
  ],

  // --- Inbox (working material: readers get 403) ----------------------------------------------------
  '_app.inbox.tsx': [
    { label: 'GET /inbox', method: 'GET', path: () => '/inbox', expect: row(LOGIN, { rest: 200, reader: 403 }) },
    {
      label: 'POST /inbox (mark all read)',
      method: 'POST',
      path: () => '/inbox',
      form: () => ({}),
      expect: row(LOGIN, { rest: 200, reader: 403 }),
    },
  ],

  // --- Roadmap API (working material: readers get 403; commenters give stances and comment) ---------
  'api.v1.initiatives._index.ts': [
    {
      label: 'GET /api/v1/initiatives',
      method: 'GET',
      api: true,
      path: () => '/api/v1/initiatives',
      expect: row(401, { rest: 200, reader: 403 }),
    },
    {
      label: 'POST /api/v1/initiatives',
      method: 'POST',
      api: true,
      path: () => '/api/v1/initiatives',
      json: (c) => ({ title: `Walked ${c.persona}`, timeframe: '2027-Q1', effort: 'S' }),
      expect: row(401, { rest: 201, commenter: 403, reader: 403 }),
    },
  ],
  'api.v1.initiatives.$id.ts': [
    {
      label: 'GET /api/v1/initiatives/:walked',
      method: 'GET',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/initiatives/:random',
      method: 'GET',
      api: true,
      path: () => `/api/v1/initiatives/${crypto.randomUUID()}`,
      expect: row(401, { rest: 404, reader: 403 }),
    },
    {
      label: 'PUT /api/v1/initiatives/:walked',
      method: 'PUT',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}`,
      json: () => ({ status: 'planned' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
    {
      label: 'PATCH /api/v1/initiatives/:walked',
      method: 'PATCH',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}`,
      json: () => ({ effort: 'L' }),
      expect: row(401, { rest: 200, commenter: 403, reader: 403, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/initiatives/:fresh',
      method: 'DELETE',
      api: true,
      path: async (c) => `/api/v1/initiatives/${await c.freshInitiativeId()}`,
      expect: row(401, { rest: 204, commenter: 403, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.initiatives.$id.stances.ts': [
    {
      label: 'GET /api/v1/initiatives/:walked/stances',
      method: 'GET',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}/stances`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/initiatives/:walked/stances',
      method: 'POST',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}/stances`,
      json: () => ({ stance: 'support', reason: 'Moves the shared pipeline goal' }),
      expect: row(401, { rest: 201, reader: 403, foreign: 404 }),
    },
    {
      label: 'DELETE /api/v1/initiatives/:walked/stances (withdraw one’s own)',
      method: 'DELETE',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}/stances`,
      expect: row(401, { rest: 204, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.initiatives.$id.comments.ts': [
    {
      label: 'GET /api/v1/initiatives/:walked/comments',
      method: 'GET',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}/comments`,
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/initiatives/:walked/comments',
      method: 'POST',
      api: true,
      path: async () => `/api/v1/initiatives/${await walkInitiative()}/comments`,
      json: () => ({ body: 'What does finance need to see?' }),
      expect: row(401, { rest: 201, reader: 403, foreign: 404 }),
    },
  ],
  'api.v1.narratives.$id.comments.ts': [
    {
      label: 'GET /api/v1/narratives/:draft/comments',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/comments`,
      expect: row(401, { rest: 200, reader: 404, foreign: 404 }),
    },
    {
      label: 'GET /api/v1/narratives/:approved/comments',
      method: 'GET',
      api: true,
      path: (c) => `/api/v1/narratives/${c.approvedId}/comments`,
      // Readers read approved narratives, but not the working discussion around them.
      expect: row(401, { rest: 200, reader: 403, foreign: 404 }),
    },
    {
      label: 'POST /api/v1/narratives/:draft/comments (reply to an unknown thread)',
      method: 'POST',
      api: true,
      path: (c) => `/api/v1/narratives/${c.draftId}/comments`,
      json: () => ({ intent: 'reply', threadId: crypto.randomUUID(), body: 'Hello' }),
      expect: row(401, { rest: 404 }),
      refusedByBody: ['owner', 'editor', 'commenter'],
    },
  ],
  'api.v1.notifications.ts': [
    {
      label: 'GET /api/v1/notifications',
      method: 'GET',
      api: true,
      path: () => '/api/v1/notifications',
      expect: row(401, { rest: 200, reader: 403 }),
    },
    {
      label: 'POST /api/v1/notifications (mark all read)',
      method: 'POST',
      api: true,
      path: () => '/api/v1/notifications',
      json: () => ({}),
      expect: row(401, { rest: 200, reader: 403 }),
    },
  ],

  // Last: a join here once changed the answers above (the links are now for another address).
  'invite.$token.tsx': [
    { label: 'GET /invite/:token', method: 'GET', path: async (c) => `/invite/${await c.inviteToken()}`, expect: row(200, { rest: 200 }) },
    { label: 'GET /invite/:unknown', method: 'GET', path: () => `/invite/${'x'.repeat(32)}`, expect: row(404, { rest: 404 }) },
    { label: 'GET /invite/:malformed', method: 'GET', path: () => '/invite/%3Cscript%3E', expect: row(404, { rest: 404 }) },
    {
      label: 'POST /invite/:token (join)',
      method: 'POST',
      path: async (c) => `/invite/${await c.inviteToken()}`,
      form: () => ({}),
      throwawaySession: true,
      // Signed out: the form needs name, email, password. Signed in: the link is for another
      // address (issue 13), so nobody joins through it.
      expect: row(400, { rest: 403 }),
    },
  ],
  // Search (issue 9): every member searches their own workspace; what each finds is tested in
  // app/services/search.server.test.ts.
  '_app.search.tsx': [
    { label: 'GET /search', method: 'GET', path: () => '/search?q=walk', expect: row(LOGIN, { rest: 200 }) },
    { label: 'GET /search (too long)', method: 'GET', path: () => `/search?q=${'x'.repeat(300)}`, expect: row(LOGIN, { rest: 400 }) },
  ],
  'resources.search.ts': [
    { label: 'GET /resources/search', method: 'GET', path: () => '/resources/search?q=walk', expect: row(LOGIN, { rest: 200 }) },
    {
      label: 'GET /resources/search (bad type)',
      method: 'GET',
      path: () => '/resources/search?q=a&type=x',
      expect: row(LOGIN, { rest: 400 }),
    },
  ],
  'api.v1.search.ts': [
    { label: 'GET /api/v1/search', method: 'GET', api: true, path: () => '/api/v1/search?q=walk', expect: row(401, { rest: 200 }) },
    { label: 'GET /api/v1/search (no q)', method: 'GET', api: true, path: () => '/api/v1/search', expect: row(401, { rest: 400 }) },
  ],
  // The API's own description is public: it holds no data.
  'api.v1.openapi[.]json.ts': [
    { label: 'GET /api/v1/openapi.json', method: 'GET', api: true, path: () => '/api/v1/openapi.json', expect: row(200, { rest: 200 }) },
  ],
  'api.docs.tsx': [{ label: 'GET /api/docs', method: 'GET', path: () => '/api/docs', expect: row(200, { rest: 200 }) }],
  // The audit log (issue 9): owners of the workspace only.
  '_app.settings.audit.tsx': [
    {
      label: 'GET /settings/audit',
      method: 'GET',
      path: () => '/settings/audit',
      expect: row(LOGIN, { rest: 403, owner: 200, foreign: 200 }),
    },
  ],
}

const routeFiles = readdirSync(path.resolve('app/routes')).filter((f) => !f.startsWith('.') && !/\.test\.tsx?$/.test(f))

describe('the walk covers every route', () => {
  it('every file in app/routes has an entry (add one when you add a route)', () => {
    expect(
      routeFiles.filter((f) => !(f in ROUTES)),
      'route files without expectations: add them to ROUTES in test/authorization.test.ts',
    ).toEqual([])
    expect(
      Object.keys(ROUTES).filter((f) => !routeFiles.includes(f)),
      'expectations for missing route files',
    ).toEqual([])
  })

  it('a route module exporting a loader has a GET probe, one exporting an action a write probe', () => {
    const missing: string[] = []
    for (const [file, probes] of Object.entries(ROUTES)) {
      // Pathless layouts run (and are walked) with every child below them.
      if (probes === 'layout') continue
      const exported = exportsOf(file)
      if (exported.has('loader') && !probes.some((p) => p.method === 'GET')) missing.push(`${file}: loader without a GET probe`)
      if (exported.has('action') && !probes.some((p) => p.method !== 'GET')) missing.push(`${file}: action without a write probe`)
      if (!exported.has('action') && probes.some((p) => p.method !== 'GET'))
        missing.push(`${file}: write probes but no action (the module changed?)`)
    }
    expect(missing, 'add probes to ROUTES in test/authorization.test.ts').toEqual([])
  })

  it('every /api/v1 endpoint of the OpenAPI list (method and path) has an API probe in its route file', () => {
    const missing = ENDPOINTS.filter((e) => {
      const probes = ROUTES[e.route]
      return (
        probes === undefined ||
        probes === 'layout' ||
        !probes.some((p) => p.api && p.method === e.method.toUpperCase() && probePath(p) === templatePath(e.path))
      )
    }).map((e) => `${e.method.toUpperCase()} ${e.path} (${e.route})`)
    expect(missing, 'add API probes to ROUTES in test/authorization.test.ts').toEqual([])
  })
})

/** The names a route module exports (loader, action, default…), read from its source. */
function exportsOf(file: string) {
  const source = readFileSync(path.resolve('app/routes', file), 'utf8')
  const names = [...source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|const|let)\s+(\w+)/gm)].map((m) => m[1]!)
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm))
    names.push(
      ...m[1]!.split(',').map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)
          .pop()!,
      ),
    )
  return new Set(names)
}

/** A probe's path from its label (`PUT /api/v1/systems/:walked/capabilities (…)`), parameters as `*`. */
function probePath(p: Probe) {
  return p.label
    .split(' ')[1]!
    .split('?')[0]!
    .replace(/\/:[^/]+/g, '/*')
}
/** An OpenAPI path with its parameters as `*`. */
function templatePath(p: string) {
  return p.replace(/\/\{[^}]+\}/g, '/*')
}

let app: RunningApp
let ws: WorkspaceFixture
let foreigner: Person
const tokens = new Map<Persona, string>()
let ctxBase: Omit<Ctx, 'persona' | 'person'>
const walked = new Map<string, Promise<string>>()
/** An initiative of the walked workspace (one per name, made on first use). */
const walkInitiative = (name = 'api') => {
  if (!walked.has(name)) {
    walked.set(
      name,
      createInitiative(
        ws.owner.actor,
        InitiativeInputSchema.parse({ title: `Walk initiative (${name})`, timeframe: '2027-Q1', effort: 'M' }),
      ).then((i) => i.id),
    )
  }
  return walked.get(name)!
}

beforeAll(async () => {
  app = await startApp({ sql: db.sql })
  ;[ws, { owner: foreigner }] = await Promise.all([buildWorkspace(), buildWorkspace()])
  const [draft, approved] = await Promise.all([
    buildNarrative(ws.editor, { title: 'Walk draft' }),
    buildNarrative(ws.owner, { title: 'Walk approved', status: 'approved' }),
  ])
  for (const p of PERSONAS) if (p !== 'anon') tokens.set(p, await buildApiToken(personOf(p)!))
  const systemIds = await Promise.all(
    ['Walk CRM', 'Walk MAP'].map((name) =>
      createSystem(ws.owner.actor, SystemInputSchema.parse({ name, category: 'crm', lifecycle: 'active' })),
    ),
  )
  const freshIntegrationId = () =>
    createIntegration(
      ws.owner.actor,
      IntegrationInputSchema.parse({
        fromSystemId: systemIds[0],
        toSystemId: systemIds[1],
        name: `Walk sync ${crypto.randomUUID()}`,
        direction: 'one_way',
        objects: 'contacts',
        frequency: 'daily',
        status: 'active',
      }),
    )
  const capabilityId = await createCapability(ws.owner.actor, { name: 'Walk capability', description: '' })
  const metric = await createMetric(
    ws.owner.actor,
    MetricInputSchema.parse({
      key: 'walk_pipeline',
      name: 'Walk pipeline',
      unit: 'count',
      direction: 'higher',
      indicator: 'lagging',
      aggregation: 'sum',
    }),
  )
  const published = await buildNarrative(ws.owner, { title: 'Walk published' })
  await addCommitment(ws.owner.actor, published.id, {
    metricKey: metric.key,
    baseline: 1,
    target: 2,
    granularity: 'quarter',
    dueOn: '2099-03-31',
    note: '',
  })
  await requestReview(ws.owner.actor, published.id, { approverIds: [ws.owner.id, ws.editor.id] })
  await decideReview(ws.owner.actor, published.id, { decision: 'approve', note: '' })
  const decided = await decideReview(ws.editor.actor, published.id, { decision: 'approve', note: '' })
  const inReviewId = async () => {
    const n = await buildNarrative(ws.owner, { title: 'Walk review' })
    await requestReview(ws.owner.actor, n.id, { approverIds: [ws.owner.id, ws.editor.id, ws.commenter.id] })
    return n.id
  }
  ctxBase = {
    publishedId: published.id,
    publishedVersionId: decided.approvedVersionId!,
    freshNarrativeId: async () => (await buildNarrative(ws.owner, { title: 'Walk fresh' })).id,
    inReviewId,
    workspaceId: ws.workspace.id,
    draftId: draft.id,
    approvedId: approved.id,
    systemId: systemIds[0]!,
    capabilityId,
    integrationId: await freshIntegrationId(),
    freshIntegrationId,
    otherSystemId: systemIds[1]!,
    freshSystemId: () =>
      createSystem(
        ws.owner.actor,
        SystemInputSchema.parse({ name: `Walk fresh ${crypto.randomUUID()}`, category: 'crm', lifecycle: 'active' }),
      ),
    freshCapabilityId: () => createCapability(ws.owner.actor, { name: `Walk fresh ${crypto.randomUUID()}`, description: '' }),
    freshInitiativeId: async () =>
      (await createInitiative(ws.owner.actor, InitiativeInputSchema.parse({ title: 'Walk fresh', timeframe: 'next', effort: 'S' }))).id,
    freshRequirementId: () =>
      addRequirement(ws.owner.actor, draft.id, RequirementInputSchema.parse({ kind: 'capability', capability: 'Walk capability' })),
    metricKey: metric.key,
    inviteToken: async () =>
      (await createInvite(ws.owner.actor, { role: 'reader', function: 'other', email: `walk-${crypto.randomUUID()}@example.test` })).token,
    ownerId: ws.owner.id,
    readerId: ws.reader.id,
  }
})
afterAll(async () => {
  await app?.close()
})

function personOf(p: Persona): Person | null {
  if (p === 'anon') return null
  return p === 'foreign' ? foreigner : ws.byRole[p]
}

async function request(probe: Probe, persona: Persona) {
  const person = personOf(persona)
  const ctx: Ctx = { ...ctxBase, persona, person }
  let cookie = person?.cookie
  if (person && probe.throwawaySession) {
    const session = await createSession(db.sql, { userId: person.id, workspaceId: person.workspaceId })
    cookie = await sessionCookie(session.token)
  }
  const abort = new AbortController()
  const res = await app.fetch(await probe.path(ctx), {
    method: probe.method,
    cookie: probe.api ? undefined : cookie,
    token: probe.api && persona !== 'anon' ? tokens.get(persona) : undefined,
    form: probe.form ? await probe.form(ctx) : undefined,
    json: probe.json ? probe.json(ctx) : undefined,
    body: probe.csv ?? probe.raw?.body,
    headers: probe.csv ? { 'Content-Type': 'text/csv' } : probe.raw ? { 'Content-Type': probe.raw.type } : undefined,
    signal: abort.signal,
  })
  if (probe.stream) abort.abort()
  else await res.arrayBuffer()
  return res
}

const cases = Object.entries(ROUTES).flatMap(([file, probes]) =>
  probes === 'layout'
    ? []
    : probes.flatMap((probe) => PERSONAS.map((persona) => ({ file, probe, persona, label: `${probe.label} as ${persona}` }))),
)

const probeCount = Object.values(ROUTES).reduce((n, probes) => n + (probes === 'layout' ? 0 : probes.length), 0)
console.log(
  `authorization matrix: ${routeFiles.length} route files (${ENDPOINTS.length} API endpoints) × ${PERSONAS.length} personas; ${probeCount} probes × ${PERSONAS.length} = ${cases.length} requests`,
)

describe('each route × each persona', () => {
  for (const { label, probe, persona } of cases)
    it(label, async () => {
      const res = await request(probe, persona)
      const got = outcome(res)
      const want = probe.expect[persona]
      // A redirect to a created object (`302 /narratives/`) matches by prefix.
      if (typeof want === 'string' && want.endsWith('/')) expect(String(got).startsWith(want), `${got}`).toBe(true)
      else expect(got).toEqual(want)
      if (probe.api || probe.path.toString().includes('/api/')) {
        if (res.status >= 400) expect(res.headers.get('Content-Type')).toMatch(/application\/problem\+json/)
      }
    })
})

/**
 * The same request with a body no route accepts: the keys of a form (its `intent` kept, so the
 * same kind of write is asked for) with garbage values and a stray field; JSON and CSV bodies
 * that do not even parse.
 */
async function garbled(probe: Probe, ctx: Ctx): Promise<Probe> {
  const bare = { ...probe, form: undefined, json: undefined, csv: undefined, raw: undefined }
  if (probe.form) {
    const form: Record<string, string> = { stray: '\u2603'.repeat(3) }
    for (const [key, value] of Object.entries(await probe.form(ctx))) form[key] = key === 'intent' ? value : 'not-a-valid-value-'.repeat(40)
    return { ...bare, form: () => form }
  }
  if (probe.csv) return { ...bare, csv: '"an unclosed quote,\n\u0000' }
  return { ...bare, raw: { body: '{"not json', type: 'application/json' } }
}

// Authorization happens before a body is read (issue 14): a persona refused a write is refused
// with the same status whatever the body, never told the field rules with a 400.
const refusedWrites = cases.filter(({ probe, persona }) => {
  const want = probe.expect[persona]
  return probe.method !== 'GET' && (want === 401 || want === 403 || want === 404 || want === LOGIN)
})

describe('a refused write is refused before its body is read', () => {
  for (const { label, probe, persona } of refusedWrites)
    it(`${label}, invalid body`, async () => {
      const res = await request(await garbled(probe, { ...ctxBase, persona, person: personOf(persona) }), persona)
      expect(outcome(res)).toBe(probe.refusedByBody?.includes(persona) ? 400 : probe.expect[persona])
    })
})

describe('after the walk', () => {
  it('nothing in the walked workspace was changed by people without the right', async () => {
    const [draft] = await db.sql<{ title: string }[]>`select title from narratives where id = ${ctxBase.draftId}`
    // Renamed by owner/editor (allowed), never by anyone else: the title is the allowed one.
    expect(draft!.title).toBe('Renamed by the walk')
    const created = await db.sql<{ ownerId: string; title: string }[]>`
      select owner_id as "ownerId", title from narratives where workspace_id = ${ws.workspace.id} and title like 'Walked%'`
    expect(new Set(created.map((n) => n.ownerId))).toEqual(new Set([ws.owner.id, ws.editor.id]))
    const members = await db.sql<{ userId: string; role: string }[]>`
      select user_id as "userId", role from memberships where workspace_id = ${ws.workspace.id}`
    // Members kept their roles; the foreign owner could not join through a link made for another
    // address (issue 13).
    expect(Object.fromEntries(members.map((m) => [m.userId, m.role]))).toEqual({
      [ws.owner.id]: 'owner',
      [ws.editor.id]: 'editor',
      [ws.commenter.id]: 'commenter',
      [ws.reader.id]: 'reader',
    })
  })
})
