-- Issue 13: a version's HTML is sanitized before it is stored (app/document/sanitize.ts). Which
-- sanitizer produced a row's html: 0 = none (stored before the sanitizer existed). At start the
-- server re-sanitizes every row below the current sanitizer (resanitizeStoredVersions), so
-- versions stored before this migration are rewritten once, before anything serves them.
alter table narrative_versions add column html_sanitizer integer not null default 0;

-- Versions stay immutable, with one exception: a newer sanitizer may rewrite a row's html (and
-- nothing else, and never back to an older one).
create or replace function refuse_narrative_version_update() returns trigger language plpgsql as $$
begin
  if new.html_sanitizer > old.html_sanitizer
     and to_jsonb(new) - 'html' - 'html_sanitizer' = to_jsonb(old) - 'html' - 'html_sanitizer' then
    return new;
  end if;
  raise exception 'narrative versions are immutable' using errcode = '55000';
end $$;
