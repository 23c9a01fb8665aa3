-- Shared goal metrics: the dictionary (with definition versions), targets and actuals per period
-- (with the history of every replaced value), narratives' commitments, and workspace settings
-- for the fiscal calendar and health thresholds.

create table metric_settings (
  workspace_id uuid primary key references workspaces(id) on delete cascade,
  -- Month (1–12) the fiscal year starts in; fiscal years are named after the year they end in.
  fiscal_year_start_month integer not null default 1 check (fiscal_year_start_month between 1 and 12),
  -- Attainment at or above on_track is on track, at or above at_risk behind, below it at risk.
  on_track_threshold double precision not null default 0.95,
  at_risk_threshold double precision not null default 0.85,
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  updated_at timestamptz not null default now(),
  check (at_risk_threshold > 0 and at_risk_threshold < on_track_threshold and on_track_threshold <= 1.5)
);

create table metrics (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{1,62}$'),
  name text not null check (length(name) between 1 and 120),
  definition text not null default '',
  unit text not null check (unit in ('count', 'currency', 'percent', 'ratio', 'days')),
  currency text check (currency ~ '^[A-Z]{3}$'),
  direction text not null check (direction in ('higher', 'lower')),
  indicator text not null check (indicator in ('leading', 'lagging')),
  aggregation text not null check (aggregation in ('sum', 'average', 'last')),
  owner_function text check (owner_function in ('marketing', 'marketing_ops', 'sales', 'finance',
    'customer_success', 'product', 'leadership', 'other')),
  -- Free text until the tech-stack inventory offers systems to pick (then a nullable FK beside it).
  source_system text,
  -- The shared goal this metric feeds (e.g. MQLs feed revenue).
  goal_metric_id uuid references metrics(id) on delete set null,
  north_star boolean not null default false,
  -- Position in the lead-to-revenue funnel (MQL 1, SQL 2, …), null when not a funnel step.
  funnel_step integer check (funnel_step between 1 and 20),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((unit = 'currency') = (currency is not null)),
  check (goal_metric_id is null or goal_metric_id <> id)
);
create unique index metrics_key_idx on metrics (workspace_id, key);

-- Every definition a metric has had: narratives cite the version they were written against.
create table metric_versions (
  metric_id uuid not null references metrics(id) on delete cascade,
  version integer not null,
  name text not null,
  definition text not null,
  unit text not null,
  currency text,
  direction text not null,
  indicator text not null,
  aggregation text not null,
  changed_by uuid references users(id) on delete set null,
  changed_at timestamptz not null default now(),
  primary key (metric_id, version)
);

-- Targets and actuals: one value per (metric, kind, period); writing it again replaces it.
create table metric_values (
  metric_id uuid not null references metrics(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  kind text not null check (kind in ('actual', 'target')),
  -- Canonical key: 2026-W47, 2026-11, 2027-Q1 (fiscal), 2027 (fiscal).
  period text not null,
  granularity text not null check (granularity in ('week', 'month', 'quarter', 'year')),
  -- The days the period covers in the workspace's fiscal calendar (end exclusive).
  starts_on date not null,
  ends_on date not null,
  value double precision not null,
  source text not null check (source in ('form', 'csv', 'api', 'seed')),
  updated_by uuid references users(id) on delete set null,
  updated_at timestamptz not null default now(),
  primary key (metric_id, kind, period)
);
create index metric_values_range_idx on metric_values (workspace_id, kind, ends_on);

-- Every write that changed a value, with the value it replaced (null when it was new).
create table metric_value_history (
  id bigint generated always as identity primary key,
  metric_id uuid not null references metrics(id) on delete cascade,
  kind text not null,
  period text not null,
  old_value double precision,
  new_value double precision not null,
  source text not null,
  changed_by uuid references users(id) on delete set null,
  changed_at timestamptz not null default now()
);
create index metric_value_history_idx on metric_value_history (metric_id, kind, period, id desc);

-- A narrative's promise on a metric: from baseline to target by a date, measured per granularity.
create table commitments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  narrative_id uuid not null references narratives(id) on delete cascade,
  metric_id uuid not null references metrics(id) on delete cascade,
  -- The metric's definition version when the commitment was made.
  metric_version integer not null,
  baseline double precision not null,
  target double precision not null,
  granularity text not null default 'month' check (granularity in ('week', 'month', 'quarter', 'year')),
  starts_on date not null default current_date,
  due_on date not null,
  note text not null default '',
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  check (due_on > starts_on)
);
create index commitments_narrative_idx on commitments (narrative_id);
create index commitments_workspace_idx on commitments (workspace_id, due_on);
