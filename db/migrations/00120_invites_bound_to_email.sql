-- Issue 13: an invite is for one address; whoever holds the link must sign in or sign up with it.
-- Open invites made before this had no address and would let anyone join: they end here (the
-- service refuses them too). New invites must name an address; older, used rows keep their null.
update invites set revoked_at = now() where email is null and accepted_at is null and revoked_at is null;
alter table invites add constraint invites_email_required check (email is not null) not valid;
