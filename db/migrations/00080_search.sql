-- Full-text search: one weighted tsvector per searchable object, kept by PostgreSQL itself
-- (generated columns), so a narrative is findable as soon as the derive job stores its text.
-- Titles and names weigh A, descriptive text B. The 'english' configuration stems words;
-- PGlite ships it too.
alter table narratives add column search tsvector generated always as (
  setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', text), 'B')
) stored;
create index narratives_search_idx on narratives using gin (search);

alter table initiatives add column search tsvector generated always as (
  setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
) stored;
create index initiatives_search_idx on initiatives using gin (search);

alter table systems add column search tsvector generated always as (
  setweight(to_tsvector('english', name), 'A') ||
  setweight(to_tsvector('english', vendor), 'B') ||
  setweight(to_tsvector('english', notes), 'C')
) stored;
create index systems_search_idx on systems using gin (search);

alter table capabilities add column search tsvector generated always as (
  setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
) stored;
create index capabilities_search_idx on capabilities using gin (search);

alter table metrics add column search tsvector generated always as (
  setweight(to_tsvector('english', name), 'A') ||
  setweight(to_tsvector('english', replace(key, '_', ' ')), 'A') ||
  setweight(to_tsvector('english', definition), 'B')
) stored;
create index metrics_search_idx on metrics using gin (search);
