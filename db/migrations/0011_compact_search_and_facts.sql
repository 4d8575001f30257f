-- Smaller evidence per article. The trigram index of zones kept every trigram's positions and a
-- second copy of every zone's text: 13 KB an article, half the database beyond the texts. It now
-- keeps which zones hold a trigram (detail=none) and reads the text back from the page through
-- `zone_texts`; searches use LIKE, which the trigram index answers and then checks against the text.
-- A fact's sentence is read from the article text by its offsets instead of being stored again.

DROP TRIGGER IF EXISTS zone_search_delete;
DROP TABLE zone_search;

CREATE VIRTUAL TABLE zone_search USING fts5(
    article_id UNINDEXED, kind UNINDEXED, text,
    tokenize = "trigram", detail = none, content = 'zone_texts', content_rowid = 'id'
);

INSERT INTO zone_search (rowid, article_id, kind, text) SELECT id, article_id, kind, text FROM zone_texts;

-- An external-content index forgets a row by its old text, so the zone is read while it still exists.
CREATE TRIGGER zone_search_delete BEFORE DELETE ON zones BEGIN
    INSERT INTO zone_search (zone_search, rowid, article_id, kind, text)
    SELECT 'delete', id, article_id, kind, text FROM zone_texts WHERE id = old.id;
END;

-- Facts stored before their sentences had offsets get them from where the sentence stands in the text.
UPDATE facts SET
    sentence_start = (SELECT instr(articles.text, facts.sentence) - 1 FROM articles WHERE articles.id = facts.article_id),
    sentence_end = (SELECT instr(articles.text, facts.sentence) - 1 + length(facts.sentence) FROM articles
                    WHERE articles.id = facts.article_id)
WHERE sentence_start IS NULL;

ALTER TABLE facts DROP COLUMN sentence;

CREATE VIEW fact_sentences AS
SELECT facts.id, facts.article_id, facts.kind, facts.slot, facts.value, facts.unit, facts.qualifier, facts.text,
       facts.resolved, substr(articles.text, facts.sentence_start + 1, facts.sentence_end - facts.sentence_start)
           AS sentence,
       facts.start_offset, facts.end_offset
FROM facts JOIN articles ON articles.id = facts.article_id;
