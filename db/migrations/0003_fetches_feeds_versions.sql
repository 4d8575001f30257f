-- Audits from the web and from archives: every fetch or archived capture of a URL, the items
-- of the feeds being watched, and the versions of a page that changed between audits.

-- One row per fetch of a URL (via 'http') or per archived capture of it (via 'warc').
-- url is the URL asked for (a WARC record's WARC-Target-URI): the versions of a page share it.
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,            -- after redirects
    status INTEGER NOT NULL,            -- HTTP status of the final answer (304: not modified)
    headers TEXT NOT NULL DEFAULT '[]', -- JSON array of [name, value] pairs of the final answer, in order
    etag TEXT,
    last_modified TEXT,
    redirects TEXT NOT NULL DEFAULT '[]',  -- JSON array: the URLs redirected from, in order
    via TEXT NOT NULL,                  -- http | warc
    warc_record_id TEXT,                -- WARC-Record-ID of an archived capture
    fetched_utc TEXT NOT NULL,          -- when it was fetched; for an archived capture, WARC-Date
    article_id INTEGER REFERENCES articles(id),  -- the article this version of the page is
    run_id INTEGER NOT NULL REFERENCES runs(id)
);
CREATE INDEX fetches_url ON fetches (url, fetched_utc);
CREATE INDEX fetches_article ON fetches (article_id);
-- An archived capture is recorded once, however often its archive is audited.
CREATE UNIQUE INDEX fetches_warc_record ON fetches (warc_record_id);

-- The versions of each URL: one row per article that a fetch or capture of the URL gave,
-- numbered by when it was first seen. previous_article_id is the version before it.
CREATE VIEW url_versions AS
SELECT url, article_id, first_fetched_utc, last_fetched_utc, fetches,
       row_number() OVER w AS version,
       lag(article_id) OVER w AS previous_article_id
FROM (
    SELECT url, article_id, min(fetched_utc) AS first_fetched_utc, max(fetched_utc) AS last_fetched_utc,
           count(*) AS fetches
    FROM fetches WHERE article_id IS NOT NULL
    GROUP BY url, article_id
)
WINDOW w AS (PARTITION BY url ORDER BY first_fetched_utc, article_id);

-- The entries of the feeds given to `provenance audit --feed` and `provenance watch`.
-- An item is pending until an audit of its page succeeds, or it has failed three times.
CREATE TABLE feed_items (
    id INTEGER PRIMARY KEY,
    feed_url TEXT NOT NULL,
    item_key TEXT NOT NULL,             -- the entry's guid, else its link
    url TEXT NOT NULL,                  -- the page it links to
    title TEXT,
    published TEXT,                     -- the entry's date, ISO 8601
    first_seen_utc TEXT NOT NULL,
    audited_utc TEXT,                   -- when its page was audited; null while pending
    article_id INTEGER REFERENCES articles(id),
    attempts INTEGER NOT NULL DEFAULT 0,  -- audits of its page that failed
    last_problem TEXT,
    UNIQUE (feed_url, item_key)
);
CREATE INDEX feed_items_url ON feed_items (url);
