-- Commitments derived from the `$` metric chips of a narrative's text (source 'text'), beside the
-- ones entered by hand (source 'manual', never touched by the derivation). A derived commitment
-- that a person edited (edited_at set) outlives its chip, marked as no longer in the text.

alter table commitments add column source text not null default 'manual' check (source in ('manual', 'text'));
alter table commitments add column edited_at timestamptz;
alter table commitments add column edited_by uuid references users(id) on delete set null;
-- False when the last chip of the metric left the text but the edited commitment stayed.
alter table commitments add column in_text boolean not null default true;
-- One derived commitment per metric and narrative (concurrent derivations insert it once).
create unique index commitments_text_metric_idx on commitments (narrative_id, metric_id) where source = 'text';
