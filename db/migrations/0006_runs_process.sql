-- Which process runs an audit, so that the next run can tell a run that was killed
-- (status 'interrupted') from one still going. status: running | finished | failed | interrupted
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
