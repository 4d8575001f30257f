-- The audit database as a product: full-text search on articles, summary tables and views that
-- keep Datasette usable on millions of rows, and the record of reports sent by email.

-- Full-text index of articles (external content: the text is stored once, in articles).
-- Kept current by the triggers below; Datasette's search box on the articles table uses it.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, byline, site_name, text,
    content="articles", content_rowid="id", tokenize="unicode61 remove_diacritics 2"
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, byline, site_name, text)
    VALUES (new.id, new.title, new.byline, new.site_name, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, byline, site_name, text)
    VALUES ('delete', old.id, old.title, old.byline, old.site_name, old.text);
END;

-- Only the indexed columns: the frequent story_id updates leave the index alone.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, byline, site_name, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, byline, site_name, text)
    VALUES ('delete', old.id, old.title, old.byline, old.site_name, old.text);
    INSERT INTO articles_fts (rowid, title, byline, site_name, text)
    VALUES (new.id, new.title, new.byline, new.site_name, new.text);
END;

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

-- Flags counted by outlet, category and severity, kept by triggers on flags: facets on a few
-- hundred rows instead of a GROUP BY over millions. source is sources.key of the flagged
-- article's outlet ('(no source)' when it has none), as it was when the flag was written.
CREATE TABLE flag_counts (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    domain TEXT,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    last_flagged_utc TEXT,
    UNIQUE (source, category, severity)
);
CREATE INDEX flag_counts_domain ON flag_counts (domain);

INSERT INTO flag_counts (source, domain, category, severity, flags, last_flagged_utc)
SELECT coalesce(s.key, '(no source)'), max(a.domain), f.category, f.severity, count(*), max(f.created_utc)
FROM flags f LEFT JOIN articles a ON a.id = f.article_id LEFT JOIN sources s ON s.id = a.source_id
GROUP BY 1, 3, 4;

CREATE TRIGGER flag_counts_insert AFTER INSERT ON flags BEGIN
    INSERT INTO flag_counts (source, domain, category, severity, flags, last_flagged_utc)
    VALUES (
        coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = new.article_id),
                 '(no source)'),
        (SELECT domain FROM articles WHERE id = new.article_id),
        new.category, new.severity, 1, new.created_utc)
    ON CONFLICT (source, category, severity) DO UPDATE SET
        flags = flags + 1,
        last_flagged_utc = max(coalesce(last_flagged_utc, ''), coalesce(excluded.last_flagged_utc, ''));
END;

CREATE TRIGGER flag_counts_delete AFTER DELETE ON flags BEGIN
    UPDATE flag_counts SET flags = flags - 1
    WHERE source = coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id
                             WHERE a.id = old.article_id), '(no source)')
      AND category = old.category AND severity = old.severity;
    DELETE FROM flag_counts WHERE flags <= 0;
END;

CREATE TRIGGER flag_counts_update AFTER UPDATE OF article_id, category, severity ON flags BEGIN
    UPDATE flag_counts SET flags = flags - 1
    WHERE source = coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id
                             WHERE a.id = old.article_id), '(no source)')
      AND category = old.category AND severity = old.severity;
    DELETE FROM flag_counts WHERE flags <= 0;
    INSERT INTO flag_counts (source, domain, category, severity, flags, last_flagged_utc)
    VALUES (
        coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = new.article_id),
                 '(no source)'),
        (SELECT domain FROM articles WHERE id = new.article_id),
        new.category, new.severity, 1, new.created_utc)
    ON CONFLICT (source, category, severity) DO UPDATE SET flags = flags + 1;
END;

-- Flags added up by severity, by category and by outlet, from flag_counts: the totals a facet
-- over millions of flags would give, at the cost of a few hundred rows.
CREATE VIEW flag_totals AS
SELECT 'severity' AS dimension, severity AS value, sum(flags) AS flags, count(*) AS outlets_and_categories,
       max(last_flagged_utc) AS last_flagged_utc
FROM flag_counts GROUP BY severity
UNION ALL
SELECT 'category', category, sum(flags), count(*), max(last_flagged_utc) FROM flag_counts GROUP BY category
UNION ALL
SELECT 'outlet', coalesce(domain, source), sum(flags), count(*), max(last_flagged_utc)
FROM flag_counts GROUP BY coalesce(domain, source);

CREATE INDEX flags_severity_category ON flags (severity, category);
CREATE INDEX flags_created ON flags (created_utc);
CREATE INDEX disagreements_created ON disagreements (created_utc);

-- Articles with the columns a reader wants first, and what the audit found on each.
CREATE VIEW article_list AS
SELECT a.id AS article_id, a.published, coalesce(a.site_name, a.domain) AS outlet, a.title, a.byline, a.domain,
       a.story_id,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id) AS flags,
       (SELECT count(*) FROM disagreements d WHERE d.article_id = a.id OR d.other_article_id = a.id) AS disagreements,
       (SELECT c.relation FROM copies c WHERE c.article_id = a.id AND c.is_primary = 1) AS copy_of_earlier,
       a.word_count, a.url, a.location, a.audited_utc
FROM articles a;

-- One row per flag with the article it is about: what a fact-checker browses and facets.
CREATE VIEW flag_details AS
SELECT f.id AS flag_id, f.created_utc, f.severity, f.category, f.rule_id, f.message,
       coalesce(json_extract(f.evidence, '$.matched'), json_extract(f.evidence, '$.match'),
                json_extract(f.evidence, '$.text')) AS matched,
       f.zone, f.article_id, a.title, coalesce(a.site_name, a.domain) AS outlet, a.domain, a.published,
       a.story_id, a.url
FROM flags f JOIN articles a ON a.id = f.article_id;

-- One row per disagreement, both sides next to each other.
CREATE VIEW disagreement_details AS
SELECT d.id AS disagreement_id, d.created_utc, d.status, d.kind, d.confidence,
       a.story_id, d.article_id, coalesce(a.site_name, a.domain) AS outlet, a.published, a.title,
       d.value, d.sentence,
       d.other_article_id, coalesce(o.site_name, o.domain) AS other_outlet, o.published AS other_published,
       o.title AS other_title, d.other_value, d.other_sentence, d.rule_id, d.reason
FROM disagreements d JOIN articles a ON a.id = d.article_id LEFT JOIN articles o ON o.id = d.other_article_id;

-- The members of every story in time order, each with the copy it derives from.
CREATE VIEW story_timeline AS
SELECT a.story_id, a.published, a.id AS article_id, coalesce(a.site_name, a.domain) AS outlet, a.title,
       CASE WHEN a.id = st.origin_id THEN 'origin' WHEN c.source_id IS NOT NULL THEN 'derived' ELSE 'unordered' END
           AS role,
       c.relation, c.source_id AS derives_from_id, s.title AS derives_from_title,
       coalesce(s.site_name, s.domain) AS derives_from_outlet, c.similarity, c.reason, c.primary_reason,
       (SELECT group_concat(u.relation || ' with #' || CASE WHEN u.article_id = a.id THEN u.source_id
                                                             ELSE u.article_id END, ', ')
        FROM copies u WHERE u.direction = 'unknown' AND u.relation != 'related'
          AND a.id IN (u.article_id, u.source_id)) AS unordered_with,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id) AS flags,
       (SELECT count(*) FROM disagreements d WHERE a.id IN (d.article_id, d.other_article_id)) AS disagreements,
       a.url
FROM articles a JOIN stories st ON st.id = a.story_id
LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
LEFT JOIN articles s ON s.id = c.source_id;

-- One row per outlet: its score and what the audit found, from the summary tables.
CREATE VIEW source_scorecard AS
SELECT s.id AS source_id, coalesce(s.name, s.registry_name, s.domain, substr(s.key, 6)) AS outlet, s.domain,
       s.kind, s.score, s.prior, s.articles,
       coalesce(fc.error_flags, 0) AS error_flags, coalesce(fc.warning_flags, 0) AS warning_flags,
       coalesce(fc.info_flags, 0) AS info_flags,
       (SELECT count(*) FROM articles a JOIN disagreements d ON d.article_id = a.id WHERE a.source_id = s.id)
           AS disagreements,
       (SELECT count(*) FROM articles a JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
        WHERE a.source_id = s.id) AS copied_articles,
       (SELECT count(*) FROM articles a JOIN stories st ON st.origin_id = a.id WHERE a.source_id = s.id)
           AS stories_originated,
       s.first_seen_utc, s.last_seen_utc, s.key
FROM sources s LEFT JOIN (
    SELECT source,
           sum(CASE severity WHEN 'error' THEN flags ELSE 0 END) AS error_flags,
           sum(CASE severity WHEN 'warning' THEN flags ELSE 0 END) AS warning_flags,
           sum(CASE severity WHEN 'info' THEN flags ELSE 0 END) AS info_flags
    FROM flag_counts GROUP BY source
) AS fc ON fc.source = s.key;

-- Reports sent by `provenance report --email`. A row is written as 'sending' before the message
-- goes out and becomes 'sent' in the same transaction that writes its report_items; a row left
-- 'sending' was interrupted, and its items are sent again by the next report.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    started_utc TEXT NOT NULL,
    sent_utc TEXT,
    status TEXT NOT NULL DEFAULT 'sending',  -- sending | sent | failed | interrupted
    recipients TEXT NOT NULL DEFAULT '[]',   -- JSON array of addresses
    items INTEGER NOT NULL DEFAULT 0,        -- flags, disagreements and stories in the message
    since_utc TEXT,                          -- the --since window, when one was given
    min_severity TEXT NOT NULL DEFAULT 'info',
    message_id TEXT,
    error TEXT
);

-- Each flag, disagreement or story that a sent report carried: never sent again.
CREATE TABLE report_items (
    kind TEXT NOT NULL,                      -- flag | disagreement | story
    item_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (kind, item_id)
) WITHOUT ROWID;
CREATE INDEX report_items_report ON report_items (report_id);

-- A deleted item forgets it was reported, so a new row that reuses its id is reported too.
CREATE TRIGGER report_items_flag_delete AFTER DELETE ON flags BEGIN
    DELETE FROM report_items WHERE kind = 'flag' AND item_id = old.id;
END;

CREATE TRIGGER report_items_disagreement_delete AFTER DELETE ON disagreements BEGIN
    DELETE FROM report_items WHERE kind = 'disagreement' AND item_id = old.id;
END;

CREATE TRIGGER report_items_story_delete AFTER DELETE ON stories BEGIN
    DELETE FROM report_items WHERE kind = 'story' AND item_id = old.id;
END;
