-- Versions, reviews, approvals, reads and the audit trail of narratives (issue 7).

-- Immutable snapshots of a narrative's Yjs document: automatic checkpoints, named versions, the
-- text under review, approved (frozen) versions with their evidence, and restores.
create table narrative_versions (
  id uuid primary key default gen_random_uuid(),
  narrative_id uuid not null references narratives(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  -- 1, 2, 3… per narrative, shown as "v3".
  number integer not null,
  kind text not null check (kind in ('checkpoint', 'named', 'review', 'approved', 'restore')),
  name text not null default '' check (length(name) <= 200),
  -- The whole document, Yjs V2 encoding; the update log covered it through `through_seq`.
  state bytea not null,
  through_seq bigint not null,
  html text not null,
  text text not null,
  word_count integer not null default 0,
  -- Approved versions: the feasibility results and metric values at the moment of approval.
  evidence jsonb,
  created_by uuid references users(id),
  created_at timestamptz not null default clock_timestamp(),
  unique (narrative_id, number)
);
create index narrative_versions_narrative_idx on narrative_versions (narrative_id, number desc);

-- Versions are history: nothing may change one (deleting the narrative deletes its versions).
create function refuse_narrative_version_update() returns trigger language plpgsql as $$
begin
  raise exception 'narrative versions are immutable' using errcode = '55000';
end $$;
create trigger narrative_versions_immutable before update on narrative_versions
  for each row execute function refuse_narrative_version_update();

alter table narratives
  add column version_count integer not null default 0,
  -- What leadership reads: the last approved version (kept while a later draft is written).
  add column approved_version_id uuid references narrative_versions(id),
  add column approved_at timestamptz;

-- A request for sign-off by named approvers. At most one open review per narrative; its
-- version_id is the exact text under review (replaced when the text changes during the review).
create table narrative_reviews (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  narrative_id uuid not null references narratives(id) on delete cascade,
  requested_by uuid not null references users(id),
  due_date date,
  version_id uuid not null references narrative_versions(id),
  status text not null default 'open' check (status in ('open', 'approved', 'cancelled')),
  approved_version_id uuid references narrative_versions(id),
  created_at timestamptz not null default clock_timestamp(),
  closed_at timestamptz
);
create unique index narrative_reviews_one_open on narrative_reviews (narrative_id) where status = 'open';
create index narrative_reviews_narrative_idx on narrative_reviews (narrative_id, created_at desc);

create table review_approvers (
  review_id uuid not null references narrative_reviews(id) on delete cascade,
  user_id uuid not null references users(id),
  position integer not null default 0,
  decision text check (decision in ('approve', 'changes')),
  note text not null default '' check (length(note) <= 2000),
  decided_at timestamptz,
  -- The version the decision was made on.
  version_id uuid references narrative_versions(id),
  primary key (review_id, user_id)
);

-- The audit trail: who did what to a narrative's review, approval and publication, and when.
create table narrative_events (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  narrative_id uuid not null references narratives(id) on delete cascade,
  actor_id uuid references users(id),
  kind text not null check (kind in ('review_requested', 'review_reset', 'approved', 'changes_requested',
    'published', 'exported', 'version_saved', 'restored', 'acknowledged', 'review_cancelled')),
  version_id uuid references narrative_versions(id),
  detail jsonb not null default '{}',
  created_at timestamptz not null default clock_timestamp()
);
create index narrative_events_narrative_idx on narrative_events (narrative_id, created_at desc);

-- A reader's acknowledgement of an approved version ("I have read it"): the last one per person.
create table narrative_reads (
  narrative_id uuid not null references narratives(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  version_id uuid not null references narrative_versions(id),
  acknowledged_at timestamptz not null default now(),
  primary key (narrative_id, user_id)
);

-- Comment threads can block approval until they are resolved.
alter table comment_threads add column blocking boolean not null default false;

alter table notifications drop constraint if exists notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('mention', 'reply', 'stance', 'feasibility', 'review'));
