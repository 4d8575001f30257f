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
    DELETE FROM flag_counts WHERE flags <= 0;
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
       (SELECT group_concat(u.relation || ' with #' || CASE WHEN u.article_id = a.id THEN u.source_id
                                                             ELSE u.article_id END, ', ')
        FROM copies u WHERE u.direction = 'unknown' AND u.relation != 'related'
          AND a.id IN (u.article_id, u.source_id)) AS unordered_with,
       (SELECT count(*) FROM flags f WHERE f.article_id = a.id AND f.review IS NOT 'dismissed') AS flags,
       (SELECT count(*) FROM disagreements d
        WHERE a.id IN (d.article_id, d.other_article_id) AND d.review IS NOT 'dismissed') AS disagreements,
       a.url
FROM articles a JOIN stories st ON st.id = a.story_id
LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
LEFT JOIN articles s ON s.id = c.source_id;
