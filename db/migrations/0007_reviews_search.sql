-- A person's verdict on a finding, and search over every zone of every page.

-- Each review of a flag or a disagreement: who, when, what and why. The latest review of an item
-- is its verdict, copied into flags.review / disagreements.review by the trigger below.
-- A dismissed item no longer counts in scores, reports or the flag feed, and stays visible.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER REFERENCES flags(id),
    disagreement_id INTEGER REFERENCES disagreements(id),
    verdict TEXT NOT NULL CHECK (verdict IN ('dismissed', 'confirmed')),
    reviewer TEXT NOT NULL,
    note TEXT,
    reviewed_utc TEXT NOT NULL,
    CHECK ((flag_id IS NULL) <> (disagreement_id IS NULL))
);
CREATE INDEX reviews_flag ON reviews (flag_id);
CREATE INDEX reviews_disagreement ON reviews (disagreement_id);

ALTER TABLE flags ADD COLUMN review TEXT;          -- NULL (not reviewed) | dismissed | confirmed
ALTER TABLE disagreements ADD COLUMN review TEXT;  -- NULL (not reviewed) | dismissed | confirmed

CREATE TRIGGER reviews_apply AFTER INSERT ON reviews BEGIN
    UPDATE flags SET review = new.verdict WHERE id = new.flag_id;
    UPDATE disagreements SET review = new.verdict WHERE id = new.disagreement_id;
END;

-- A dismissed flag leaves flag_counts; a flag confirmed again comes back.
CREATE TRIGGER flag_counts_review AFTER UPDATE OF review ON flags
WHEN (old.review IS 'dismissed') <> (new.review IS 'dismissed') BEGIN
    UPDATE flag_counts SET flags = flags - 1
    WHERE new.review IS 'dismissed'
      AND source = coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id
                             WHERE a.id = new.article_id), '(no source)')
      AND category = new.category AND severity = new.severity;
    DELETE FROM flag_counts
    WHERE source = coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id
                             WHERE a.id = new.article_id), '(no source)')
      AND category = new.category AND severity = new.severity AND flags <= 0;
    INSERT INTO flag_counts (source, domain, category, severity, flags, last_flagged_utc)
    SELECT coalesce((SELECT s.key FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = new.article_id),
                    '(no source)'),
           (SELECT domain FROM articles WHERE id = new.article_id), new.category, new.severity, 1, new.created_utc
    WHERE new.review IS NOT 'dismissed'
    ON CONFLICT (source, category, severity) DO UPDATE SET flags = flags + 1;
END;

-- Every zone's text (spam blocks, disclaimers, navigation, captions as well as the body) in a
-- trigram index: substring search that finds CJK words, which have no spaces between them.
CREATE VIRTUAL TABLE zone_search USING fts5(article_id UNINDEXED, kind UNINDEXED, text, tokenize = "trigram");

CREATE TRIGGER zone_search_insert AFTER INSERT ON zones BEGIN
    INSERT INTO zone_search (rowid, article_id, kind, text)
    SELECT new.id, new.article_id, new.kind,
           substr(p.page_text, new.start_offset + 1, new.end_offset - new.start_offset)
    FROM pages p WHERE p.article_id = new.article_id;
END;

CREATE TRIGGER zone_search_delete AFTER DELETE ON zones BEGIN
    DELETE FROM zone_search WHERE rowid = old.id;
END;

INSERT INTO zone_search (rowid, article_id, kind, text) SELECT id, article_id, kind, text FROM zone_texts;

-- The views show each finding's review, and count only what is not dismissed.
DROP VIEW flag_details;
CREATE VIEW flag_details AS
SELECT f.id AS flag_id, f.created_utc, f.severity, f.category, f.rule_id, f.message,
       coalesce(json_extract(f.evidence, '$.matched'), json_extract(f.evidence, '$.match'),
                json_extract(f.evidence, '$.text')) AS matched,
       f.zone, f.article_id, a.title, coalesce(a.site_name, a.domain) AS outlet, a.domain, a.published,
       a.story_id, a.url, f.review
FROM flags f JOIN articles a ON a.id = f.article_id;

DROP VIEW disagreement_details;
CREATE VIEW disagreement_details AS
SELECT d.id AS disagreement_id, d.created_utc, d.status, d.kind, d.confidence,
       a.story_id, d.article_id, coalesce(a.site_name, a.domain) AS outlet, a.published, a.title,
       d.value, d.sentence,
       d.other_article_id, coalesce(o.site_name, o.domain) AS other_outlet, o.published AS other_published,
       o.title AS other_title, d.other_value, d.other_sentence, d.rule_id, d.reason, d.review
FROM disagreements d JOIN articles a ON a.id = d.article_id LEFT JOIN articles o ON o.id = d.other_article_id;

DROP VIEW article_list;
CREATE VIEW article_list AS
SELECT a.id AS article_id, a.published, coalesce(a.site_name, a.domain) AS outlet, a.title, a.byline, a.domain,
       a.story_id,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id AND f.review IS NOT 'dismissed') AS flags,
       (SELECT count(*) FROM disagreements d
        WHERE (d.article_id = a.id OR d.other_article_id = a.id) AND d.review IS NOT 'dismissed') AS disagreements,
       (SELECT c.relation FROM copies c WHERE c.article_id = a.id AND c.is_primary = 1) AS copy_of_earlier,
       a.word_count, a.url, a.location, a.audited_utc
FROM articles a;

DROP VIEW story_timeline;
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
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id AND f.review IS NOT 'dismissed') AS flags,
       (SELECT count(*) FROM disagreements d WHERE d.article_id = a.id AND d.review IS NOT 'dismissed')
           + (SELECT count(*) FROM disagreements d
              WHERE d.other_article_id = a.id AND d.article_id != a.id AND d.review IS NOT 'dismissed')
           AS disagreements,
       a.url
FROM articles a JOIN stories st ON st.id = a.story_id
LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
LEFT JOIN articles s ON s.id = c.source_id;


-- What each article's flags charge to its source, kept per article by the store (it is written
-- with the article's flags and again after a review): flags in one zone of the page are one
-- finding at their worst severity; a finding in the page around the text (spam blocks,
-- navigation) of a page whose domain is unknown is charged to no one (uncharged); dismissed
-- flags count for nothing. worst: 0 error, 1 warning, 2 info, NULL none charged. penalty: what
-- the article costs its source's score (see corpus/scoring.py), at most 1.
CREATE TABLE article_findings (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    infos INTEGER NOT NULL DEFAULT 0,
    uncharged INTEGER NOT NULL DEFAULT 0,
    worst INTEGER,
    penalty REAL NOT NULL DEFAULT 0
);

-- source_counts: the flagged_* columns now count articles at their worst charged finding (from
-- article_findings, not every flag), with the findings, the uncharged ones and the penalties summed.
ALTER TABLE source_counts ADD COLUMN findings_error INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_counts ADD COLUMN findings_warning INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_counts ADD COLUMN findings_info INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_counts ADD COLUMN uncharged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_counts ADD COLUMN penalty REAL NOT NULL DEFAULT 0;
DROP TRIGGER source_counts_flag;

CREATE TRIGGER source_counts_findings_insert AFTER INSERT ON article_findings BEGIN
    UPDATE source_counts SET
        flagged_error = flagged_error + (new.worst IS 0),
        flagged_warning = flagged_warning + (new.worst IS 1),
        flagged_info = flagged_info + (new.worst IS 2),
        findings_error = findings_error + new.errors,
        findings_warning = findings_warning + new.warnings,
        findings_info = findings_info + new.infos,
        uncharged = uncharged + new.uncharged,
        penalty = penalty + new.penalty
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id);
END;

CREATE TRIGGER source_counts_findings_delete AFTER DELETE ON article_findings BEGIN
    UPDATE source_counts SET
        flagged_error = flagged_error - (old.worst IS 0),
        flagged_warning = flagged_warning - (old.worst IS 1),
        flagged_info = flagged_info - (old.worst IS 2),
        findings_error = findings_error - old.errors,
        findings_warning = findings_warning - old.warnings,
        findings_info = findings_info - old.infos,
        uncharged = uncharged - old.uncharged,
        penalty = penalty - old.penalty
    WHERE source_id = (SELECT source_id FROM articles WHERE id = old.article_id);
END;

-- A dismissed disagreement no longer counts against either side; one confirmed again does.
CREATE TRIGGER source_counts_disagreement_review AFTER UPDATE OF review ON disagreements
WHEN new.status = 'disagreement' AND (old.review IS 'dismissed') <> (new.review IS 'dismissed') BEGIN
    UPDATE source_counts SET disagreements = disagreements + CASE WHEN new.review IS 'dismissed' THEN -1 ELSE 1 END
    WHERE source_id = (SELECT source_id FROM articles WHERE id = new.article_id);
    UPDATE source_counts SET disagreements = disagreements + CASE WHEN new.review IS 'dismissed' THEN -1 ELSE 1 END
    WHERE new.other_article_id IS NOT NULL
      AND source_id = (SELECT source_id FROM articles WHERE id = new.other_article_id);
END;

-- The articles flagged before this migration, by the rules above (weights 1.0, 0.4, 0.1).
UPDATE source_counts SET flagged_error = 0, flagged_warning = 0, flagged_info = 0;
INSERT INTO article_findings (article_id, errors, warnings, infos, uncharged, worst, penalty)
WITH blocks AS (
    SELECT f.article_id,
           coalesce((SELECT 'z' || z.id FROM zones z
                     WHERE z.article_id = f.article_id AND z.kind = f.zone
                       AND f.start_offset >= z.start_offset AND f.start_offset < z.end_offset
                     ORDER BY z.start_offset LIMIT 1), 'f' || f.id) AS block,
           min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS rank,
           max(f.zone IS NULL OR f.zone IN ('title', 'standfirst', 'byline', 'body', 'caption', 'disclaimer')
               OR a.domain IS NOT NULL) AS charged
    FROM flags f JOIN articles a ON a.id = f.article_id
    GROUP BY f.article_id, block),
counted AS (
    SELECT article_id, sum(charged AND rank = 0) AS e, sum(charged AND rank = 1) AS w,
           sum(charged AND rank = 2) AS i, sum(NOT charged) AS u, min(rank) FILTER (WHERE charged) AS worst
    FROM blocks GROUP BY article_id)
SELECT article_id, e, w, i, u, worst, min(1.0, 1.0 * e + 0.4 * w + 0.1 * i) FROM counted;
