-- Strategy narratives: relational metadata here; the text lives in the Yjs state + update log.
create table narratives (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  title text not null,
  template text not null check (template in ('strategy', 'prfaq', 'qbr', 'blank')),
  status text not null default 'draft' check (status in ('draft', 'in_review', 'approved', 'archived')),
  owner_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_edited_by uuid references users(id),
  -- True once the server has written the template into the document (exactly once).
  seeded boolean not null default false,
  -- Derived from the Yjs state by the headless editor; never edited directly.
  text text not null default '',
  excerpt text not null default '',
  outline jsonb not null default '[]',
  word_count integer not null default 0,
  derived_at timestamptz
);
create index narratives_workspace_idx on narratives (workspace_id, updated_at desc);

-- Yjs updates as written by writers, appended with group commit; folded into narrative_states.
create table narrative_updates (
  narrative_id uuid not null references narratives(id) on delete cascade,
  seq bigint generated always as identity,
  data bytea not null,
  author_id uuid references users(id),
  created_at timestamptz not null default now(),
  primary key (narrative_id, seq)
);

-- The compacted document (Yjs V2 encoding) covering every update with seq <= through_seq.
create table narrative_states (
  narrative_id uuid primary key references narratives(id) on delete cascade,
  state bytea not null,
  through_seq bigint not null,
  updated_at timestamptz not null default now()
);
