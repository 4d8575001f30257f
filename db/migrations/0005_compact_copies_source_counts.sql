-- A database that grows by thousands of articles a day: compact copy evidence, per-source
-- counters kept by triggers, and statements that never scan a large table per article.

-- copies, rebuilt: the evidence keeps the offsets of each aligned sentence pair into
-- articles.text (span for article_id, other_span for source_id) and its score, not the
-- sentences themselves; is_primary and the other small columns come before it, so that
-- reading them never touches an overflow page.
CREATE TABLE copies_compact (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    source_id INTEGER REFERENCES articles(id),
    relation TEXT NOT NULL,             -- duplicate | reprint | excerpt | rewrite | related
    direction TEXT NOT NULL,            -- derived: article derives from source | unknown: no copy shown to be first
    is_primary INTEGER NOT NULL DEFAULT 0,  -- the source chosen among the article's earlier copies
    similarity REAL NOT NULL,
    containment REAL,                   -- share of this article found in the source
    source_containment REAL,            -- share of the source found in this article
    run_id INTEGER NOT NULL REFERENCES runs(id),
    created_utc TEXT NOT NULL,
    primary_reason TEXT,                -- why this source won among the article's earlier copies
    reason TEXT,                        -- why the source was chosen
    evidence TEXT NOT NULL DEFAULT '{}',-- JSON: measures, and aligned pairs as {score, span, other_span} offsets
    UNIQUE (article_id, source_id)
);

INSERT INTO copies_compact (id, article_id, source_id, relation, direction, is_primary, similarity, containment,
    source_containment, run_id, created_utc, primary_reason, reason, evidence)
SELECT id, article_id, source_id, relation, direction, is_primary, similarity, containment, source_containment,
       run_id, created_utc, primary_reason, reason,
       CASE WHEN json_valid(evidence) AND json_type(evidence, '$.aligned') = 'array' THEN
           json_set(evidence, '$.aligned', json((
               SELECT json_group_array(json_remove(value, '$.sentence', '$.other_sentence'))
               FROM json_each(copies.evidence, '$.aligned'))))
       ELSE evidence END
FROM copies ORDER BY id;

-- The views that read copies are dropped with it and made again below.
DROP VIEW article_list;
DROP VIEW story_timeline;
DROP VIEW source_scorecard;
DROP TABLE copies;
ALTER TABLE copies_compact RENAME TO copies;
CREATE INDEX copies_source ON copies (source_id);

CREATE VIEW article_list AS
SELECT a.id AS article_id, a.published, coalesce(a.site_name, a.domain) AS outlet, a.title, a.byline, a.domain,
       a.story_id,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id) AS flags,
       (SELECT count(*) FROM disagreements d WHERE d.article_id = a.id OR d.other_article_id = a.id) AS disagreements,
       (SELECT c.relation FROM copies c WHERE c.article_id = a.id AND c.is_primary = 1) AS copy_of_earlier,
       a.word_count, a.url, a.location, a.audited_utc
FROM articles a;

-- The links of an article with no earlier copy shown, found by two indexed lookups.
CREATE VIEW story_timeline AS
SELECT a.story_id, a.published, a.id AS article_id, coalesce(a.site_name, a.domain) AS outlet, a.title,
       CASE WHEN a.id = st.origin_id THEN 'origin' WHEN c.source_id IS NOT NULL THEN 'derived' ELSE 'unordered' END
           AS role,
       c.relation, c.source_id AS derives_from_id, s.title AS derives_from_title,
       coalesce(s.site_name, s.domain) AS derives_from_outlet, c.similarity, c.reason, c.primary_reason,
       (SELECT group_concat(relation || ' with #' || other, ', ') FROM (
            SELECT u.relation, u.source_id AS other FROM copies u
            WHERE u.article_id = a.id AND u.direction = 'unknown' AND u.relation != 'related'
            UNION ALL
            SELECT u.relation, u.article_id FROM copies u
            WHERE u.source_id = a.id AND u.direction = 'unknown' AND u.relation != 'related')) AS unordered_with,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id) AS flags,
       (SELECT count(*) FROM disagreements d WHERE d.article_id = a.id)
           + (SELECT count(*) FROM disagreements d WHERE d.other_article_id = a.id AND d.article_id != a.id)
           AS disagreements,
       a.url
FROM articles a JOIN stories st ON st.id = a.story_id
LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
LEFT JOIN articles s ON s.id = c.source_id;

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

CREATE INDEX stories_origin ON stories (origin_id);

-- What source scores are computed from, per source, kept by the triggers below, so that scoring
-- the sources a run touched costs the same in a database of a thousand articles or a million.
-- flagged_* count articles at their most severe flag; disagreements count each side's article;
-- originated and copied count primary-source links from and to the source's articles.
CREATE TABLE source_counts (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id),
    articles INTEGER NOT NULL DEFAULT 0,
    flagged_error INTEGER NOT NULL DEFAULT 0,
    flagged_warning INTEGER NOT NULL DEFAULT 0,
    flagged_info INTEGER NOT NULL DEFAULT 0,
    disagreements INTEGER NOT NULL DEFAULT 0,
    originated INTEGER NOT NULL DEFAULT 0,
    copied INTEGER NOT NULL DEFAULT 0
);

INSERT INTO source_counts (source_id, articles, flagged_error, flagged_warning, flagged_info, disagreements,
    originated, copied)
SELECT s.id,
       (SELECT count(*) FROM articles a WHERE a.source_id = s.id),
       (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND EXISTS (
            SELECT 1 FROM flags f WHERE f.article_id = a.id AND f.severity = 'error')),
       (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND EXISTS (
            SELECT 1 FROM flags f WHERE f.article_id = a.id AND f.severity = 'warning') AND NOT EXISTS (
            SELECT 1 FROM flags f WHERE f.article_id = a.id AND f.severity = 'error')),
       (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND EXISTS (
            SELECT 1 FROM flags f WHERE f.article_id = a.id) AND NOT EXISTS (
            SELECT 1 FROM flags f WHERE f.article_id = a.id AND f.severity IN ('error', 'warning'))),
       (SELECT count(*) FROM articles a JOIN disagreements d ON d.article_id = a.id
        WHERE a.source_id = s.id AND d.status = 'disagreement')
         + (SELECT count(*) FROM articles a JOIN disagreements d ON d.other_article_id = a.id
            WHERE a.source_id = s.id AND d.status = 'disagreement'),
       (SELECT count(*) FROM articles a JOIN copies c ON c.source_id = a.id
        WHERE a.source_id = s.id AND c.is_primary = 1),
       (SELECT count(*) FROM articles a JOIN copies c ON c.article_id = a.id
        WHERE a.source_id = s.id AND c.is_primary = 1)
FROM sources s;

CREATE TRIGGER source_counts_article AFTER INSERT ON articles WHEN new.source_id IS NOT NULL BEGIN
    INSERT INTO source_counts (source_id, articles) VALUES (new.source_id, 1)
    ON CONFLICT (source_id) DO UPDATE SET articles = articles + 1;
END;

-- An article counts once, at its most severe flag: a flag more severe than the article's
-- others moves it from one column to the other.
CREATE TRIGGER source_counts_flag AFTER INSERT ON flags BEGIN
    UPDATE source_counts SET
        flagged_error = flagged_error + (new.severity = 'error')
            - coalesce((SELECT min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END)
                        FROM flags f WHERE f.article_id = new.article_id AND f.id != new.id) = 0, 0),
        flagged_warning = flagged_warning + (new.severity = 'warning')
            - coalesce((SELECT min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END)
                        FROM flags f WHERE f.article_id = new.article_id AND f.id != new.id) = 1, 0),
        flagged_info = flagged_info + (new.severity NOT IN ('error', 'warning'))
            - coalesce((SELECT min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END)
                        FROM flags f WHERE f.article_id = new.article_id AND f.id != new.id) = 2, 0)
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id)
      AND coalesce((SELECT min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END)
                    FROM flags f WHERE f.article_id = new.article_id AND f.id != new.id), 3)
          > CASE new.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END;
END;

CREATE TRIGGER source_counts_disagreement AFTER INSERT ON disagreements WHEN new.status = 'disagreement' BEGIN
    UPDATE source_counts SET disagreements = disagreements + 1
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id);
    UPDATE source_counts SET disagreements = disagreements + 1
    WHERE new.other_article_id IS NOT NULL
      AND source_id = (SELECT source_id FROM articles WHERE id = new.other_article_id);
END;

CREATE TRIGGER source_counts_primary AFTER UPDATE OF is_primary ON copies
WHEN old.is_primary != new.is_primary BEGIN
    UPDATE source_counts SET originated = originated + new.is_primary - old.is_primary
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.source_id);
    UPDATE source_counts SET copied = copied + new.is_primary - old.is_primary
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id);
END;

CREATE TRIGGER source_counts_primary_insert AFTER INSERT ON copies WHEN new.is_primary = 1 BEGIN
    UPDATE source_counts SET originated = originated + 1
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.source_id);
    UPDATE source_counts SET copied = copied + 1
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id);
END;

CREATE TRIGGER source_counts_primary_delete AFTER DELETE ON copies WHEN old.is_primary = 1 BEGIN
    UPDATE source_counts SET originated = originated - 1
    WHERE source_id = (SELECT source_id FROM articles WHERE id = old.source_id);
    UPDATE source_counts SET copied = copied - 1
    WHERE source_id = (SELECT source_id FROM articles WHERE id = old.article_id);
END;
