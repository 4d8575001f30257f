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

-- MinHash LSH bands: one row per article and band. key packs the band number
-- and the hash of the band's values; articles sharing a key are candidates.
CREATE TABLE lsh_bands (
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;

-- A second signature, over the names and numbers of a text, finds rewrites
-- whose sentences share few word 5-grams but the same facts and names.
ALTER TABLE fingerprints ADD COLUMN anchor_minhash BLOB;

-- The source chosen for an article among its links (passim's best-aligned earlier copy).
ALTER TABLE copies ADD COLUMN is_primary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE copies ADD COLUMN primary_reason TEXT;   -- why this source won among the article's earlier copies

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
