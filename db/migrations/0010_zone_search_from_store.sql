-- The trigram index of zones is filled by the store, which holds each zone's text already: the
-- trigger read the whole page text back for every zone (185 zones on a news page), most of the
-- cost of storing an article. A Parquet import fills it in one statement after loading the zones.

DROP TRIGGER zone_search_insert;
