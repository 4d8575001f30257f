-- Any language and meaning: the language of each article, and document vectors for the semantic channel.

ALTER TABLE articles ADD COLUMN language TEXT;              -- ISO 639-1 code (py3langid); null when too short or unsure
ALTER TABLE articles ADD COLUMN language_probability REAL;  -- how sure the identification is, 0..1

-- One document vector per article in a language the embedding model reads (English):
-- the nearest vectors are extra copy candidates, found when the wording differs.
CREATE TABLE article_vectors (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    model TEXT NOT NULL,               -- the embedding model, e.g. wordllama-l2_supercat-256
    vector BLOB NOT NULL,              -- unit vector, little-endian float16 (256 values)
    bits BLOB NOT NULL                 -- signs of the components, packed (32 bytes): scanned by Hamming distance
);
