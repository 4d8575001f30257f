from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from provenance.article import language
from provenance.article.language import identify_language
from provenance.corpus.copies import confirm_pair
from provenance.corpus.relations import classify, measure
from provenance.corpus.semantic import (
    cosine,
    document_vector,
    embed,
    is_paraphrase,
    measure_meaning,
    sign_bits,
    vector_bytes,
    vector_from_bytes,
)
from provenance.engines.local import audit
from provenance.models import Article, KnownArticle
from provenance.store.sqlite import AuditStore
from provenance.store import vectors as vectors_store
from provenance.store.vectors import SignIndex

from .conftest import FIXTURES

SEMANTIC = FIXTURES / "semantic"
ORIGINAL = (SEMANTIC / "original.txt").read_text(encoding="utf-8")
PARAPHRASE = (SEMANTIC / "paraphrase.txt").read_text(encoding="utf-8")
INDEPENDENT = (SEMANTIC / "independent.txt").read_text(encoding="utf-8")


def test_embeddings_are_unit_vectors_that_place_paraphrases_closer_than_other_topics() -> None:
    vectors = embed(["The council approved the budget.", "Councillors voted for the spending plan.",
                     "The striker scored twice in the final.", ""])
    assert vectors.shape == (4, 256)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2


def test_a_sentence_by_sentence_paraphrase_is_aligned_by_meaning() -> None:
    meaning = measure_meaning(ORIGINAL, PARAPHRASE)
    assert is_paraphrase(meaning)
    assert meaning.mutual == 10
    # Every sentence is paired with its own rewording, in order.
    assert [p.sentence.split()[0] for p in meaning.pairs][:3] == ["The", "The", "Officials"]
    assert meaning.pairs[2].other_sentence.startswith("Since spring, bigger container vessels")


def test_an_independent_report_of_the_same_event_is_not_a_paraphrase() -> None:
    for text in (ORIGINAL, PARAPHRASE):
        meaning = measure_meaning(text, INDEPENDENT)
        assert not is_paraphrase(meaning)
        assert classify(measure(text, INDEPENDENT), meaning) in (None, "related")


def test_shared_quotes_are_not_evidence_of_a_paraphrase() -> None:
    quote = '"We cannot keep turning away the biggest ships, and we will not," the mayor said.'
    a = "\n".join([quote] * 6)
    b = "\n".join([quote.replace("the mayor said", "she told reporters")] * 6)
    assert measure_meaning(a, b).pairs == ()


def _known(text: str, article_id: int = 1) -> KnownArticle:
    return KnownArticle(article_id, "harbour-daily.example", "2024-03-01", None, "2024-03-02T00:00:00+00:00", None, (), text)


def _article(text: str) -> Article:
    return Article("new.txt", "record", "0" * 64, text, text, (), published="2024-03-03", domain="elms-news.example")


def test_confirm_pair_links_a_paraphrase_the_wording_misses_with_its_semantic_evidence() -> None:
    # The paraphrase with the three sentences the lexical alignment finds removed.
    lines = PARAPHRASE.splitlines()
    reworded = "\n".join(lines[:2] + lines[3:7] + lines[8:9])
    original_lines = ORIGINAL.splitlines()
    source = "\n".join(original_lines[:2] + original_lines[3:7] + original_lines[8:9])
    assert classify(measure(reworded, source)) is None
    a, b = embed([reworded, source])
    copy = confirm_pair(2, _article(reworded), _known(source), 0.0, cosine(a, b))
    assert copy is not None and copy.relation == "paraphrase" and copy.direction == "derived"
    assert copy.source_id == 1
    aligned = copy.evidence["aligned"]
    assert isinstance(aligned, list) and len(aligned) >= 5
    assert all(p["semantic"] and 0.5 <= p["cosine"] <= 1 and "span" in p and "other_span" in p for p in aligned)
    semantic = copy.evidence["semantic"]
    assert isinstance(semantic, dict) and semantic["model"] == "wordllama-l2_supercat-256"
    # Without document vectors (another language), the same pair is left to the wording.
    assert confirm_pair(2, _article(reworded), _known(source), 0.0, None) is None


def test_vectors_only_for_languages_the_model_reads() -> None:
    assert document_vector(ORIGINAL, "en") is not None
    assert document_vector("پاکستان کی حکومت نے کہا۔", "ur") is None
    vector = embed([ORIGINAL])[0]
    assert np.allclose(vector_from_bytes(vector_bytes(vector)), vector, atol=1e-3)
    assert len(sign_bits(vector)) == 32


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (ORIGINAL, "en"),
        ("پاکستان کی حکومت نے منگل کو کہا کہ بندرگاہ کی توسیع کا منصوبہ سردیوں سے پہلے شروع ہوگا۔", "ur"),
        ("सरकार ने मंगलवार को कहा कि बंदरगाह के विस्तार की योजना सर्दियों से पहले शुरू होगी।", "hi"),
        ("港口管理局周二批准了一项在冬季风暴来临之前疏浚主航道的计划。", "zh"),
    ],
)
def test_language_identification(text: str, code: str) -> None:
    language = identify_language(text)
    assert language is not None and language.code == code and 0.5 <= language.probability <= 1


def test_language_of_a_scrap_is_unknown() -> None:
    assert identify_language("OK 12") is None


def test_the_unpacked_language_model_answers_as_the_packaged_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model unpacked into the cache folder, a damaged cache file and no cache folder all give the
    package's own answers; a damaged folder is removed so that the next run unpacks it again, and the
    folder of an older version of the model goes when a new one is written."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    samples = [ORIGINAL, "港口管理局周二批准了一项在冬季风暴来临之前疏浚主航道的计划。",
               "Le gouvernement a annoncé mardi un plan pour agrandir le port avant l'hiver."]
    expected = [packaged.classify(s) for s in samples]
    monkeypatch.setenv("PROVENANCE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "cache" / "langid-1-1").mkdir(parents=True)  # an older version of the package's model
    for round_ in ("unpacks", "reads the unpacked file", "damaged"):
        if round_ == "damaged":
            (cached,) = (tmp_path / "cache").glob("langid-*")
            table = cached / "ptc.npy"
            table.write_bytes(table.read_bytes()[:1000])
        language._identifier.cache_clear()
        assert [language._identifier().classify(s) for s in samples] == expected, round_
    assert not list((tmp_path / "cache").glob("*"))  # the damaged file went, and no partial file is left
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PROVENANCE_CACHE", str(blocked / "cache"))
    language._identifier.cache_clear()
    assert [language._identifier().classify(s) for s in samples] == expected
    language._identifier.cache_clear()


def test_sign_index_finds_the_nearest_vectors_by_hamming_distance() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 256)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = SignIndex()
    for i, v in enumerate(vectors):
        index.add(i + 10, sign_bits(v))
    query = vectors[42] + 0.3 * rng.normal(size=256).astype(np.float32) / 16
    assert index.nearest(sign_bits(query), 3)[0] == 52
    far = -vectors[42]
    assert 52 not in index.nearest(sign_bits(far), 300)


def test_signs_are_read_back_in_blocks_as_they_were_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run reads the signs of the stored vectors from blocks and then the articles after the last block;
    the index is the one read row by row, a replaced vector included."""
    monkeypatch.setattr(vectors_store, "BLOCK", 8)
    store = AuditStore.memory()
    store.db.execute("PRAGMA foreign_keys = OFF")  # vectors alone, without their articles
    rng = np.random.default_rng(5)
    stored = rng.normal(size=(21, 256)).astype(np.float32)
    stored /= np.linalg.norm(stored, axis=1, keepdims=True)
    for i, v in enumerate(stored):
        store.add_semantics(i + 1, None, v)

    def row_by_row() -> SignIndex:
        index = SignIndex()
        for article_id, bits in store.db.execute("SELECT article_id, bits FROM article_vectors ORDER BY article_id"):
            index.add(int(article_id), bytes(bits))
        return index

    def fresh() -> SignIndex:
        store._sign_index = None
        return store._signs()

    def same(a: SignIndex, b: SignIndex) -> bool:
        return (len(a) == len(b) and list(a.ids[: len(a)]) == list(b.ids[: len(b)])
                and bool((a.words[:, : len(a)] == b.words[:, : len(b)]).all()))

    first = fresh()  # packs articles 1-8 and 9-16 into blocks
    blocks = store.db.execute("SELECT first_id, last_id FROM vector_sign_blocks ORDER BY first_id").fetchall()
    assert blocks == [(1, 8), (9, 16)]
    assert same(first, row_by_row())
    second = fresh()  # two blocks and five articles after them
    assert same(second, row_by_row())
    query = sign_bits(stored[12])
    assert second.nearest(query, 5) == row_by_row().nearest(query, 5) and second.nearest(query, 1) == [13]
    store.add_semantics(3, None, -stored[3])  # a vector replaced: its block and later ones go
    assert store.db.execute("SELECT count(*) FROM vector_sign_blocks").fetchone()[0] == 0
    assert same(fresh(), row_by_row())
    assert fresh().nearest(sign_bits(-stored[3]), 1) == [3]
    store.close()


def test_audit_links_a_paraphrase_and_stores_languages_and_vectors(tmp_path: Path, clock: object) -> None:
    lines, original_lines = PARAPHRASE.splitlines(), ORIGINAL.splitlines()
    records = [
        {"url": "https://harbour-daily.example/dredging", "published": "2024-03-01",
         "text": "\n\n".join(original_lines[:2] + original_lines[3:7] + original_lines[8:9])},
        {"url": "https://elms-news.example/channel", "published": "2024-03-03",
         "text": "\n\n".join(lines[:2] + lines[3:7] + lines[8:9])},
        {"url": "https://port-times.example/vote", "published": "2024-03-02", "text": "\n\n".join(INDEPENDENT.splitlines())},
        {"url": "https://karachi.example/port", "published": "2024-03-02",
         "text": "پاکستان کی حکومت نے منگل کو کہا کہ بندرگاہ کی توسیع کا منصوبہ سردیوں سے پہلے شروع ہوگا۔ "
                 "وزیر نے کہا کہ کام چار ماہ میں مکمل ہوگا۔"},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    store = AuditStore.memory()
    list(audit([str(path)], store, now=clock))  # type: ignore[arg-type]
    languages = dict(store.db.execute("SELECT url, language FROM articles").fetchall())
    assert languages["https://karachi.example/port"] == "ur"
    assert languages["https://harbour-daily.example/dredging"] == "en"
    vectors = store.db.execute("SELECT count(*) FROM article_vectors").fetchone()[0]
    assert vectors == 3  # the Urdu article has none
    links = store.db.execute(
        "SELECT a.url, s.url, c.relation, c.evidence FROM copies c JOIN articles a ON a.id = c.article_id "
        "JOIN articles s ON s.id = c.source_id"
    ).fetchall()
    copies = {(a, s): (relation, json.loads(evidence)) for a, s, relation, evidence in links if relation != "related"}
    assert list(copies) == [("https://elms-news.example/channel", "https://harbour-daily.example/dredging")]
    relation, evidence = next(iter(copies.values()))
    assert relation == "paraphrase" and evidence["semantic"]["document_cosine"] >= 0.75
    assert sentences_of_urdu(store) == 2
    store.close()


def sentences_of_urdu(store: AuditStore) -> int:
    from provenance.article.sentences import split_sentences

    text = store.db.execute("SELECT text FROM articles WHERE language = 'ur'").fetchone()[0]
    return len(split_sentences(text))


def test_two_runs_unpacking_the_language_model_at_once_share_one_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run that renames its folder second finds the other's in place and uses it; halves left by killed
    runs go once they are an hour old, and a fresh one (a run unpacking now) stays."""
    import os
    import time

    from py3langid.langid import MODEL_DIR, MODEL_FILE

    monkeypatch.setenv("PROVENANCE_CACHE", str(tmp_path))
    stale, fresh = tmp_path / "langid-9-9.abc.part", tmp_path / "langid-9-9.def.part"
    stale.mkdir()
    fresh.mkdir()
    hour_ago = time.time() - 7200
    os.utime(stale, (hour_ago, hour_ago))
    real_rename = os.rename

    def other_run_first(source: str, target: str) -> None:
        real_rename(source, str(source) + ".copy")  # the other run's folder, renamed into place first
        real_rename(str(source) + ".copy", target)
        Path(source).mkdir()
        (Path(source) / "x").write_text("ours")
        real_rename(source, target)  # ours: the folder is there and not empty

    monkeypatch.setattr(language.os, "rename", other_run_first)
    packed = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    folder = language._unpacked(packed)
    assert folder.is_dir() and (folder / "ptc.npy").is_file()
    assert not stale.exists() and fresh.exists()
    assert [p.name for p in tmp_path.glob("langid-*") if not p.name.endswith(".part")] == [folder.name]


def test_token_ids_read_word_by_word_are_the_ids_of_the_whole_text() -> None:
    """Words are tokenized once and looked up after that; the ids must be the tokenizer's own."""
    from provenance.corpus.semantic import _model

    tokens, _table = _model()
    assert tokens.by_word  # the bundled tokenizer allows it; another one is read whole
    texts = [
        ORIGINAL, PARAPHRASE, "", " ", "  double  spaces and a trailing one ", "   leading", "tab\there\nnew line\n\n para",
        "a literal ▁ mark and ▁▁ two", "emoji 🎉🎉 then 中文字符 and عربي and Ελληνικά", "x" * 500, "end with a space ",
        "Xinhua credits Xinhue, ‘quoted’ — dashes… and $4.5bn (12%)",
    ]
    for text in texts:
        whole = tokens.tokenizer.encode(text, add_special_tokens=False).ids if text else []
        assert tokens.ids([text]) == [whole], repr(text)
    # in one batch, and again from the cache
    assert tokens.ids(texts) == tokens.ids(list(reversed(texts)))[::-1]


def test_token_ids_when_the_word_cache_fills_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full cache is emptied; the words a text shares with earlier ones are tokenized again."""
    from provenance.corpus.semantic import _model

    tokens, _table = _model()
    monkeypatch.setattr(type(tokens), "CACHE_WORDS", 40)
    first = "Harbour officials in Kettleby approved the saltmarsh dredging plan on Tuesday."
    second = "Harbour officials in Velsund rejected the ferry plan on Monday after officials in Kettleby objected " * 2
    for text in (first, second, ORIGINAL, first):
        assert tokens.ids([text]) == [tokens.tokenizer.encode(text, add_special_tokens=False).ids]
