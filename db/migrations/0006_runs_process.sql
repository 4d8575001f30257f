-- Which process runs an audit, so that the next run can tell a run that was killed
-- (status 'interrupted') from one still going. status: running | finished | failed | interrupted
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
-- The runs still marked running, found without reading every run of the database's years.
CREATE INDEX runs_running ON runs(id) WHERE status = 'running';
