-- The signs of the document vectors, packed by the thousand. Every audit holds the signs of all
-- stored vectors in memory to find semantic candidates; read row by row from article_vectors (each
-- row carrying its 512-byte vector) that was 0.64 s at 20,000 articles and grew with the database.
-- Blocks of 4,096 articles are read in one go; the articles after the last block are read from
-- article_vectors by key. The blocks are derived from article_vectors and rebuilt from it when gone.

CREATE TABLE vector_sign_blocks (
    model TEXT NOT NULL,
    first_id INTEGER NOT NULL,          -- the first and last article of the block
    last_id INTEGER NOT NULL,
    ids BLOB NOT NULL,                  -- article ids, little-endian int64, ascending
    bits BLOB NOT NULL,                 -- their sign bits, 32 bytes each, in the same order
    PRIMARY KEY (model, first_id)
);
