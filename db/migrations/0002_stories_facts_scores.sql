-- Stories and candidate search, fact details, rule and source scoring columns.

-- A story groups the copies of one text. origin_id is the article inferred to
-- be first; null when no copy can be shown to be first (a common unseen source).
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    origin_id INTEGER REFERENCES articles(id),
    origin_reason TEXT,
    articles INTEGER NOT NULL DEFAULT 0,
    first_published TEXT,
    last_published TEXT,
    title TEXT,
    updated_utc TEXT NOT NULL
);

-- MinHash LSH bands: one row per article and band; candidates share a (band, bucket).
CREATE TABLE lsh_bands (
    band INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id)
);
CREATE INDEX lsh_bands_lookup ON lsh_bands (band, bucket);
CREATE INDEX lsh_bands_article ON lsh_bands (article_id);

ALTER TABLE facts ADD COLUMN resolved TEXT;          -- a relative date resolved against the publication date
ALTER TABLE facts ADD COLUMN sentence_start INTEGER;
ALTER TABLE facts ADD COLUMN sentence_end INTEGER;

ALTER TABLE disagreements ADD COLUMN status TEXT NOT NULL DEFAULT 'disagreement';  -- disagreement | update | inconsistency

ALTER TABLE sources ADD COLUMN kind TEXT;            -- wire agency, state media, newspaper... from the registry
ALTER TABLE sources ADD COLUMN registry_name TEXT;   -- the outlet this domain belongs to, from the registry
ALTER TABLE sources ADD COLUMN prior REAL;           -- reliability prior from the registry, 0..1
ALTER TABLE sources ADD COLUMN score REAL;           -- reliability score, 0..100, recomputed after each audit
ALTER TABLE sources ADD COLUMN score_reasons TEXT;   -- JSON: the terms of the score and their values
ALTER TABLE sources ADD COLUMN scored_utc TEXT;

ALTER TABLE flags ADD COLUMN confidence TEXT;
