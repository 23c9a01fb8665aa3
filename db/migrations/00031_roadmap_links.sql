-- Link expected impacts to the metric dictionary (the key stays as typed, so an impact on a metric
-- that is later deleted keeps its name), and allow effort in person-weeks beside the T-shirt size.
alter table initiative_impacts add column metric_id uuid references metrics(id) on delete set null;
create index initiative_impacts_metric_idx on initiative_impacts (metric_id) where metric_id is not null;

alter table initiatives add column effort_weeks double precision
  check (effort_weeks is null or (effort_weeks > 0 and effort_weeks <= 520));
