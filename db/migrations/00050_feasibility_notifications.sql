-- Owners of narratives hear when an inventory change makes requirements fail.
alter table notifications drop constraint if exists notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('mention', 'reply', 'stance', 'feasibility'));
