-- Notes on a weekly, monthly or quarterly review: one for the review overall (metric_id null) and
-- one per metric line, per period; writing one again replaces it (the review is a shared page, not
-- a thread). Shown to everyone who reads the review, printed, and carried into the review narrative.

create table review_notes (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces(id) on delete cascade,
  cadence text not null check (cadence in ('week', 'month', 'quarter')),
  -- The period's canonical key (2026-W47, 2026-11, 2027-Q3).
  period text not null,
  metric_id uuid references metrics(id) on delete cascade,
  body text not null check (length(body) between 1 and 2000),
  updated_by uuid references users(id) on delete set null,
  updated_at timestamptz not null default now()
);
create unique index review_notes_overall_idx on review_notes (workspace_id, cadence, period) where metric_id is null;
create unique index review_notes_metric_idx on review_notes (workspace_id, cadence, period, metric_id) where metric_id is not null;
