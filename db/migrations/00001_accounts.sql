-- People, workspaces (tenants) and who belongs where.
create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);

create table memberships (
  workspace_id uuid not null references workspaces(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  role text not null check (role in ('owner', 'editor', 'commenter', 'reader')),
  function text not null check (function in ('marketing', 'marketing_ops', 'sales', 'finance',
    'customer_success', 'product', 'leadership', 'other')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

-- Session ids are random; only their SHA-256 is stored, so a leaked table cannot sign anyone in.
create table sessions (
  id_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  workspace_id uuid references workspaces(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

create table invites (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  token_hash text not null unique,
  role text not null check (role in ('owner', 'editor', 'commenter', 'reader')),
  function text not null,
  email text,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_by uuid references users(id),
  accepted_at timestamptz,
  revoked_at timestamptz
);
create index invites_workspace_idx on invites (workspace_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_workspace_idx on api_tokens (workspace_id);

-- Failed sign-ins per key ('email:…' or 'ip:…'), for slowing and then refusing guessing.
create table sign_in_failures (
  key text not null,
  failed_at timestamptz not null default now()
);
create index sign_in_failures_key_idx on sign_in_failures (key, failed_at);
