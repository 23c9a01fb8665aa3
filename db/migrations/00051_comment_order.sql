-- Comments written in one transaction (a seed, an import) kept the order they were written in:
-- now() is the transaction's start time, clock_timestamp() the moment of the insert.
alter table comments alter column created_at set default clock_timestamp();
alter table comment_threads alter column created_at set default clock_timestamp();
