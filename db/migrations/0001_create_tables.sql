-- provenance audit database, version 1.
-- Append-only: never edit a migration that has shipped; add the next file.
-- Timestamps are ISO 8601 with a UTC offset and end in _utc.

-- One row per `provenance audit` (or other writing command).
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_utc TEXT NOT NULL,
    finished_utc TEXT,
    version TEXT NOT NULL,              -- provenance version that ran
    command TEXT NOT NULL,              -- audit, ...
    inputs TEXT NOT NULL,               -- JSON array of the inputs as given
    status TEXT NOT NULL DEFAULT 'running',  -- running | finished | failed
    articles_seen INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_known INTEGER NOT NULL DEFAULT 0,   -- already in the database
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0
);

-- Outlets, keyed by registered domain when known, else by the name shown on the page.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,           -- domain, or 'name:<lower-case name>'
    domain TEXT,
    name TEXT,
    articles INTEGER NOT NULL DEFAULT 0,
    first_seen_utc TEXT NOT NULL,
    last_seen_utc TEXT NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    location TEXT NOT NULL,             -- input path, URL, or path:line for JSON Lines
    input_kind TEXT NOT NULL,           -- text | html | record
    raw_sha256 TEXT NOT NULL,           -- hash of the input bytes: re-audits are recognised by it
    url TEXT,
    canonical_url TEXT,
    domain TEXT,                        -- registered domain of url
    source_id INTEGER REFERENCES sources(id),
    site_name TEXT,
    title TEXT,
    byline TEXT,
    credits TEXT NOT NULL DEFAULT '[]', -- JSON array of agency and outlet credits
    published TEXT,                     -- ISO 8601 date or date-time, null when unknown
    published_source TEXT,              -- record | html-meta | dateline | url
    published_raw TEXT,                 -- the date as written
    text TEXT NOT NULL,                 -- the article body alone
    word_count INTEGER NOT NULL,
    content_hash TEXT NOT NULL,         -- SHA-256 of the normalised body
    story_id INTEGER,                   -- the story this article belongs to
    encoding TEXT NOT NULL,
    extractor TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]',   -- JSON array: fallbacks and caveats of extraction
    run_id INTEGER NOT NULL REFERENCES runs(id),
    audited_utc TEXT NOT NULL,
    UNIQUE (location, raw_sha256)
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_domain ON articles (domain);
CREATE INDEX articles_source ON articles (source_id);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_url ON articles (url);

-- The whole page as text; zones point into it.
CREATE TABLE pages (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    page_text TEXT NOT NULL
);

-- Every zone of every page: offsets are characters of pages.page_text.
CREATE TABLE zones (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,                 -- masthead, navigation, title, standfirst, byline, caption, share,
                                        -- body, disclaimer, related, comments, banner, footer, spam, boilerplate
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL
);
CREATE INDEX zones_article ON zones (article_id);
CREATE INDEX zones_kind ON zones (kind);

CREATE VIEW zone_texts AS
SELECT zones.id, zones.article_id, zones.kind, zones.start_offset, zones.end_offset,
       substr(pages.page_text, zones.start_offset + 1, zones.end_offset - zones.start_offset) AS text
FROM zones JOIN pages ON pages.article_id = zones.article_id;

-- How each MinHash was made: compare only signatures of the same recipe.
CREATE TABLE fingerprint_recipes (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    shingle_size INTEGER NOT NULL,
    num_perm INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    scheme TEXT NOT NULL,
    tokenizer TEXT NOT NULL,
    shingle_hash TEXT NOT NULL,         -- how a shingle becomes the 32-bit value the permutations take
    library TEXT NOT NULL,
    library_version TEXT NOT NULL
);

CREATE TABLE fingerprints (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    recipe_id INTEGER NOT NULL REFERENCES fingerprint_recipes(id),
    content_hash TEXT NOT NULL,
    minhash BLOB NOT NULL,              -- num_perm little-endian uint32 values
    token_count INTEGER NOT NULL,
    shingle_count INTEGER NOT NULL
);

-- Inputs that could not be audited (severity error) or were audited with a caveat (warning).
CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    input TEXT NOT NULL,
    problem TEXT NOT NULL,
    severity TEXT NOT NULL DEFAULT 'error',
    created_utc TEXT NOT NULL
);
CREATE INDEX errors_run ON errors (run_id);

-- Findings of the rules.
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    rule_id TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    evidence TEXT NOT NULL,             -- JSON: matched text, offsets, zone
    zone TEXT,
    start_offset INTEGER,
    end_offset INTEGER,
    rules_version TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    created_utc TEXT NOT NULL
);
CREATE INDEX flags_article ON flags (article_id);
CREATE INDEX flags_rule ON flags (rule_id);

-- How an article relates to another: source_id is the article it derives from.
CREATE TABLE copies (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    source_id INTEGER REFERENCES articles(id),
    relation TEXT NOT NULL,             -- duplicate | reprint | excerpt | rewrite | related
    direction TEXT NOT NULL,            -- derived: article derives from source | unknown: no copy shown to be first
    similarity REAL NOT NULL,
    containment REAL,                   -- share of this article found in the source
    source_containment REAL,            -- share of the source found in this article
    reason TEXT,                        -- why the source was chosen
    evidence TEXT NOT NULL DEFAULT '{}',-- JSON: aligned passages
    run_id INTEGER NOT NULL REFERENCES runs(id),
    created_utc TEXT NOT NULL,
    UNIQUE (article_id, source_id)
);
CREATE INDEX copies_source ON copies (source_id);

CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,                 -- money, percent, count, duration, rank, ordinal, year, date
    slot TEXT,                          -- what the value is about (noun or predicate)
    value TEXT NOT NULL,                -- normalised value
    unit TEXT,
    qualifier TEXT,                     -- more than, about, at least...
    text TEXT NOT NULL,                 -- the words as written
    sentence TEXT NOT NULL,
    start_offset INTEGER NOT NULL,      -- in articles.text
    end_offset INTEGER NOT NULL
);
CREATE INDEX facts_article ON facts (article_id);

CREATE TABLE disagreements (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    other_article_id INTEGER REFERENCES articles(id),  -- null for an inconsistency within one article
    kind TEXT NOT NULL,
    value TEXT,
    other_value TEXT,
    sentence TEXT,
    other_sentence TEXT,
    rule_id TEXT,
    confidence REAL,
    reason TEXT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    created_utc TEXT NOT NULL
);
CREATE INDEX disagreements_article ON disagreements (article_id);
CREATE INDEX disagreements_other ON disagreements (other_article_id);
