-- Who published it first: every copy link says which evidence decided its direction and how
-- strongly; an article keeps its modified date apart from its publication date; a story whose
-- copies all credit an outlet that is not in the database names that outlet as its origin.

-- credit | canonical | date | containment | same-outlet | none: the evidence that decided direction
ALTER TABLE copies ADD COLUMN decided_by TEXT;
-- 0..1: credit and canonical links 0.9, dates 0.6, containment 0.4, nothing 0
ALTER TABLE copies ADD COLUMN weight REAL;
-- the outlet both copies credit when neither is it: their common source, not in the database
ALTER TABLE copies ADD COLUMN unseen_source TEXT;

ALTER TABLE articles ADD COLUMN published_modified TEXT;  -- the page's last-modified date, never its publication date
ALTER TABLE articles ADD COLUMN canonical_domain TEXT;    -- registered domain of the canonical (or og:url) link

-- The credited outlet that is the story's origin when no member is ("unseen: <outlet>" in origin_reason).
ALTER TABLE stories ADD COLUMN origin_unseen TEXT;
