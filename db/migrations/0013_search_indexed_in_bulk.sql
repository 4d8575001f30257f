-- The store indexes new articles in articles_fts itself, in one statement per transaction: the
-- trigger indexed each article in its own statement, and FTS5 flushes its pending terms at every
-- later statement of a transaction with savepoints. The delete and update triggers stay.

DROP TRIGGER articles_fts_insert;
