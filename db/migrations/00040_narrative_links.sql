-- The live references in a narrative's text (capability, system and metric chips), derived on the
-- server from the Yjs document, and the requirements those chips state. Rows written by hand on the
-- feasibility page keep source 'manual' and are never touched by the derivation.

create table narrative_links (
  narrative_id uuid not null references narratives(id) on delete cascade,
  workspace_id uuid not null references workspaces(id) on delete cascade,
  kind text not null check (kind in ('capability', 'system', 'metric')),
  -- The capability's, system's or metric's id; no foreign key: a chip may outlive what it names
  -- (a deleted system stays in the text and shows as such).
  ref_id uuid not null,
  -- The metric key for metric chips, '' otherwise.
  ref_key text not null default '',
  -- The chip's text when it was last derived.
  label text not null default '',
  created_at timestamptz not null default now(),
  primary key (narrative_id, kind, ref_id)
);
create index narrative_links_ref_idx on narrative_links (workspace_id, kind, ref_id);

alter table requirements add column source text not null default 'manual' check (source in ('manual', 'text'));
-- One derived requirement per capability chip and narrative (concurrent derivations insert it once).
create unique index requirements_text_capability_idx on requirements (narrative_id, capability_id)
  where source = 'text' and kind = 'capability' and system_id is null;
