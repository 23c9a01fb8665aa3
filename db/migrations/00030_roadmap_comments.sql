-- Roadmap initiatives (with expected impact, stakeholder stances and scoring weights), comment
-- threads on narratives (anchored to a text range) and on initiatives, and in-app notifications.

create table initiatives (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  owner_id uuid references users(id) on delete set null,
  narrative_id uuid references narratives(id) on delete set null,
  -- A quarter ("2027-Q1") or a horizon (now / next / later).
  timeframe text not null check (timeframe ~ '^([0-9]{4}-Q[1-4]|now|next|later)$'),
  status text not null default 'proposed'
    check (status in ('proposed', 'planned', 'in_progress', 'done', 'dropped')),
  effort text not null check (effort in ('S', 'M', 'L', 'XL')),
  -- Order within a board column (smaller first).
  position double precision not null default 0,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index initiatives_workspace_idx on initiatives (workspace_id, timeframe, position);

-- Expected impact on shared metrics. The metric is a key as text until the metric dictionary is
-- linked in (then a nullable FK beside it).
create table initiative_impacts (
  id uuid primary key default gen_random_uuid(),
  initiative_id uuid not null references initiatives(id) on delete cascade,
  metric_key text not null check (length(metric_key) between 1 and 120),
  -- Expected relative change in percent (+6 means "+6%").
  expected_change double precision not null check (expected_change between -1000 and 1000),
  confidence double precision not null check (confidence between 0 and 1),
  position integer not null default 0
);
create index initiative_impacts_initiative_idx on initiative_impacts (initiative_id, position);

-- One stance per person per initiative; a new stance replaces the previous one.
create table initiative_stances (
  initiative_id uuid not null references initiatives(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  stance text not null check (stance in ('support', 'concern', 'block')),
  reason text not null check (length(reason) between 1 and 2000),
  function text not null check (function in ('marketing', 'marketing_ops', 'sales', 'finance',
    'customer_success', 'product', 'leadership', 'other')),
  updated_at timestamptz not null default now(),
  primary key (initiative_id, user_id)
);

-- Priority score weights per workspace (absent row = defaults from app/domain/prioritisation.ts).
create table roadmap_settings (
  workspace_id uuid primary key references workspaces(id) on delete cascade,
  weights jsonb not null,
  updated_at timestamptz not null default now()
);

-- A thread sits either in a narrative (anchored to a text range by Yjs relative positions against
-- the document's shared root, with the quoted text kept for when the range is deleted) or on an
-- initiative. Comments are rows here, never a second Yjs document.
create table comment_threads (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  narrative_id uuid references narratives(id) on delete cascade,
  initiative_id uuid references initiatives(id) on delete cascade,
  anchor_start bytea check (octet_length(anchor_start) <= 512),
  anchor_end bytea check (octet_length(anchor_end) <= 512),
  quote text not null default '' check (length(quote) <= 1000),
  author_id uuid not null references users(id),
  resolved_at timestamptz,
  resolved_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((narrative_id is null) <> (initiative_id is null)),
  check (narrative_id is null or (anchor_start is not null and anchor_end is not null))
);
create index comment_threads_narrative_idx on comment_threads (narrative_id, created_at);
create index comment_threads_initiative_idx on comment_threads (initiative_id, created_at);

create table comments (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references comment_threads(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  author_id uuid not null references users(id),
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null default now(),
  edited_at timestamptz
);
create index comments_thread_idx on comments (thread_id, created_at);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  kind text not null check (kind in ('mention', 'reply', 'stance')),
  actor_id uuid references users(id) on delete set null,
  narrative_id uuid references narratives(id) on delete cascade,
  initiative_id uuid references initiatives(id) on delete cascade,
  thread_id uuid references comment_threads(id) on delete cascade,
  excerpt text not null default '' check (length(excerpt) <= 300),
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_user_idx on notifications (user_id, workspace_id, created_at desc);
create index notifications_unread_idx on notifications (user_id, workspace_id) where read_at is null;
