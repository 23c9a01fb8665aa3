-- Tech-stack inventory (systems, capabilities, support, integrations, data quality) and the
-- requirements narratives state against it, with their last evaluation and MOps' assessment.

create table systems (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  vendor text not null default '',
  category text not null check (category in ('crm', 'marketing_automation', 'cdp', 'data_warehouse', 'bi',
    'advertising', 'abm', 'enrichment', 'web_cms', 'events', 'consent', 'other')),
  owner_id uuid references users(id) on delete set null,
  lifecycle text not null default 'active' check (lifecycle in ('evaluating', 'active', 'phasing_out', 'retired')),
  end_date date,
  renewal_date date,
  annual_cost numeric(14, 2) check (annual_cost >= 0),
  seats_paid integer check (seats_paid >= 0),
  seats_used integer check (seats_used >= 0),
  notes text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Soft delete: requirements that named a deleted system fail with "system deleted".
  deleted_at timestamptz,
  check (lifecycle <> 'phasing_out' or end_date is not null)
);
create unique index systems_name_idx on systems (workspace_id, lower(name)) where deleted_at is null;
create index systems_workspace_idx on systems (workspace_id) where deleted_at is null;

create table capabilities (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  description text not null default '',
  created_at timestamptz not null default now()
);
create unique index capabilities_name_idx on capabilities (workspace_id, lower(name));

create table capability_support (
  workspace_id uuid not null references workspaces(id) on delete cascade,
  system_id uuid not null references systems(id) on delete cascade,
  capability_id uuid not null references capabilities(id) on delete cascade,
  level text not null check (level in ('native', 'partial', 'addon', 'none')),
  note text not null default '',
  updated_at timestamptz not null default now(),
  primary key (system_id, capability_id)
);
create index capability_support_workspace_idx on capability_support (workspace_id);

create table integrations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  from_system_id uuid not null references systems(id) on delete cascade,
  to_system_id uuid not null references systems(id) on delete cascade,
  -- How it is built: "Native connector", "Fivetran", "Zapier"… (part of its identity).
  name text not null default '',
  direction text not null default 'one_way' check (direction in ('one_way', 'two_way')),
  objects text[] not null check (cardinality(objects) > 0
    and objects <@ array['leads', 'contacts', 'accounts', 'opportunities', 'activities', 'custom']),
  frequency text not null default 'daily' check (frequency in ('real_time', 'hourly', 'daily', 'manual')),
  status text not null default 'active' check (status in ('active', 'planned', 'broken', 'disconnected')),
  live_from date,
  notes text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (from_system_id <> to_system_id),
  check (status <> 'planned' or live_from is not null)
);
create unique index integrations_identity_idx on integrations (workspace_id, from_system_id, to_system_id, lower(name));

create table data_quality (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  system_id uuid not null references systems(id) on delete cascade,
  object text not null check (object in ('leads', 'contacts', 'accounts', 'opportunities', 'activities', 'custom')),
  measure text not null check (measure in ('duplicate_rate', 'fill_rate', 'record_count')),
  -- The field a fill rate is about ("email"); empty for the other measures.
  field text not null default '',
  value double precision not null check (value >= 0 and (measure = 'record_count' or value <= 100)),
  as_of date not null,
  recorded_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now()
);
create unique index data_quality_identity_idx on data_quality (system_id, object, measure, lower(field), as_of);

create table requirements (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  narrative_id uuid not null references narratives(id) on delete cascade,
  kind text not null check (kind in ('capability', 'flow', 'data_quality')),
  -- References keep the typed name: a name that is not (yet) in the inventory evaluates to unknown.
  capability_id uuid references capabilities(id) on delete set null,
  capability_name text,
  system_id uuid references systems(id),
  system_name text,
  to_system_id uuid references systems(id),
  to_system_name text,
  objects text[] not null default '{}',
  object text,
  measure text check (measure in ('duplicate_rate', 'fill_rate', 'record_count')),
  field text,
  op text check (op in ('at_most', 'at_least')),
  threshold double precision,
  needed_by date,
  note text not null default '',
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  -- The last evaluation, kept so an inventory change can tell what it changed.
  status text not null default 'unknown' check (status in ('pass', 'at_risk', 'fail', 'unknown')),
  reasons jsonb not null default '[]',
  fingerprint text not null default '',
  -- The systems the last evaluation relied on: the "what depends on this" list of a system.
  depends_on uuid[] not null default '{}',
  evaluated_at timestamptz,
  check (kind <> 'capability' or capability_name is not null),
  check (kind <> 'flow' or (system_name is not null and to_system_name is not null and cardinality(objects) > 0)),
  check (kind <> 'data_quality' or (system_name is not null and object is not null and measure is not null
    and op is not null and threshold is not null))
);
create index requirements_narrative_idx on requirements (narrative_id, created_at);
create index requirements_workspace_idx on requirements (workspace_id);
create index requirements_depends_on_idx on requirements using gin (depends_on);

create table requirement_assessments (
  requirement_id uuid primary key references requirements(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  decision text not null check (decision in ('confirm', 'accept_risk', 'block')),
  effort text check (effort in ('S', 'M', 'L', 'XL')),
  note text not null default '',
  assessed_by uuid references users(id) on delete set null,
  assessed_at timestamptz not null default now(),
  -- The evaluation it was made against; a different fingerprint now means the inventory moved under it.
  status_at text not null,
  fingerprint_at text not null
);

-- Every workspace starts with a marketing capability taxonomy it can then edit.
create function seed_capability_taxonomy(ws uuid) returns void language sql as $$
  insert into capabilities (workspace_id, name, description)
  select ws, t.name, t.description
  from (values
    ('Lead scoring', 'Score leads on fit and engagement'),
    ('Lead routing', 'Assign leads and accounts to the right owner'),
    ('Lead-to-account matching', 'Match leads to existing accounts'),
    ('Multi-touch attribution', 'Credit pipeline and revenue across touches'),
    ('Account-based advertising', 'Target ads at named accounts'),
    ('Intent data', 'Signals of accounts researching the category'),
    ('Web personalisation', 'Tailor the website per visitor, segment or account'),
    ('Email nurture', 'Multi-step email programmes'),
    ('Event management', 'Registration, attendance and follow-up for events'),
    ('Webinars', 'Host and track webinars'),
    ('CRM sync', 'Two-way sync of people and accounts with the CRM'),
    ('Enrichment', 'Fill in firmographic and contact data'),
    ('Warehouse sync', 'Load data into the warehouse'),
    ('Reverse ETL', 'Send modelled warehouse data back into tools'),
    ('Consent management', 'Record and honour consent and preferences'),
    ('Conversation intelligence', 'Record and analyse sales calls'),
    ('Sales engagement', 'Sequences of calls and emails for sales'),
    ('Dashboards and reporting', 'Shared reports on pipeline and performance'),
    ('Chat and conversational marketing', 'Live chat and chatbots on the website'),
    ('Landing pages and forms', 'Build pages and capture leads')
  ) as t(name, description)
  on conflict do nothing
$$;

create function workspaces_seed_capabilities() returns trigger language plpgsql as $$
begin
  perform seed_capability_taxonomy(new.id);
  return new;
end $$;

create trigger workspaces_seed_capabilities after insert on workspaces
  for each row execute function workspaces_seed_capabilities();

-- Workspaces created before this migration get the starter set too.
select seed_capability_taxonomy(id) from workspaces;
