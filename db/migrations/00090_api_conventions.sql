-- Public API conventions (issue 9): idempotent creates and optimistic concurrency.

-- One row per Idempotency-Key of a user in a workspace: claimed (status null) while the request
-- runs, then the stored answer that a retry with the same key and body replays for 24 hours.
create table idempotency_keys (
  user_id uuid not null references users(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  key text not null check (length(key) between 1 and 255),
  -- sha256 of method, path and body: the same key with another request is refused.
  request_hash text not null,
  status integer,
  content_type text,
  location text,
  body text,
  created_at timestamptz not null default now(),
  primary key (user_id, workspace_id, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- row_version: the ETag of the objects the API updates. Bumped by PostgreSQL on every UPDATE
-- (whoever writes: API, forms, the collaboration server), so it cannot be forgotten; an API
-- update with If-Match compares it in an UPDATE's WHERE inside the write's transaction.
create function bump_row_version() returns trigger language plpgsql as $$
begin
  new.row_version := old.row_version + 1;
  return new;
end
$$;

alter table narratives add column row_version bigint not null default 1;
alter table systems add column row_version bigint not null default 1;
alter table capabilities add column row_version bigint not null default 1;
alter table integrations add column row_version bigint not null default 1;
alter table metrics add column row_version bigint not null default 1;
alter table initiatives add column row_version bigint not null default 1;

create trigger narratives_row_version before update on narratives for each row execute function bump_row_version();
create trigger systems_row_version before update on systems for each row execute function bump_row_version();
create trigger capabilities_row_version before update on capabilities for each row execute function bump_row_version();
create trigger integrations_row_version before update on integrations for each row execute function bump_row_version();
create trigger metrics_row_version before update on metrics for each row execute function bump_row_version();
create trigger initiatives_row_version before update on initiatives for each row execute function bump_row_version();
