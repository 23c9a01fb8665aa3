-- Security audit log: who did what security-relevant thing, when, from where. Append-only.
create table audit_events (
  id bigint generated always as identity primary key,
  -- Null only for events tied to no workspace (a failed sign-in for an unknown e-mail).
  workspace_id uuid references workspaces(id) on delete cascade,
  actor_id uuid references users(id) on delete set null,
  action text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
  target text check (length(target) <= 300),
  meta jsonb not null default '{}',
  ip text check (length(ip) <= 100),
  created_at timestamptz not null default now()
);
create index audit_events_workspace_idx on audit_events (workspace_id, id desc);

-- API token scopes (read tokens may only GET) and per-token use counts. Existing tokens keep
-- writing, as they could before.
alter table api_tokens add column scope text not null default 'write' check (scope in ('read', 'write'));
alter table api_tokens add column use_count bigint not null default 0;
