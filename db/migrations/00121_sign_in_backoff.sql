-- Issue 13: sign-in failures slow the guesser with a growing delay instead of locking the owner
-- out. One row per throttled key (an account, a known device, an address), so every instance
-- reads and claims the same state under a row lock.
create table sign_in_throttle (
  key text primary key,
  failures integer not null check (failures >= 0),
  last_failed_at timestamptz not null,
  -- No attempt under this key is checked before this moment.
  next_at timestamptz not null
);

-- A browser where the person signed in before: its attempts skip the account's delay (they are
-- throttled per device instead). Only the hash of the cookie's token is stored.
create table known_devices (
  token_hash text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now()
);
create index known_devices_user_idx on known_devices (user_id);

drop table sign_in_failures;
