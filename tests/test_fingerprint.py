from __future__ import annotations

import numpy as np
import pytest

from provenance.article.fingerprint import RECIPE, fingerprint_article, shingle_hashes, shingles, signature_values, tokens

from .conftest import document, page
from provenance.article.extract import extract_article

TEXT = (
    "Annual trade between the two countries reached $84.2 billion last year, up 12.7 percent year-on-year. "
    "The two ministers have met more than 30 times since 2015 and agreed to meet again in the spring. "
    "Analysts said the accord had survived three changes of government in each country."
)


def _fp(text: str) -> object:
    return fingerprint_article(extract_article(document(text, kind="record")))


def test_content_hash_ignores_case_spacing_and_punctuation() -> None:
    a = _fp(TEXT)
    b = _fp(TEXT.upper().replace(" ", "  ").replace(",", " ,"))
    assert a.content_hash == b.content_hash  # type: ignore[attr-defined]
    c = _fp(TEXT.replace("84.2", "48.2"))
    assert c.content_hash != a.content_hash  # type: ignore[attr-defined]


def test_signature_is_stored_compactly_with_its_recipe() -> None:
    fp = _fp(TEXT)
    assert len(fp.minhash) == RECIPE.num_perm * 4  # type: ignore[attr-defined]
    assert fp.recipe.key == f"datasketch-{RECIPE.library_version}/affine32/perm128/seed1/shingle5/words-cjkchars; anchors=names-numbers/perm64/blake2b64-poly64-fold32"  # type: ignore[attr-defined]
    assert fp.shingle_count == fp.token_count - 4  # type: ignore[attr-defined]


def _jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(tokens(a))), set(shingles(tokens(b)))
    return len(sa & sb) / len(sa | sb)


def test_minhash_estimates_the_shingle_jaccard() -> None:
    text = page("wire-daily.txt")
    article = extract_article(document(text))
    paragraphs = article.text.split("\n\n")
    pairs = [
        (article.text, article.text),
        (article.text, "\n\n".join(paragraphs[:3])),
        (article.text, "\n\n".join(paragraphs[2:] + ["An added closing paragraph about the weather on the coast today."])),
        (article.text, page("glued-dateline.txt")),
    ]
    for left, right in pairs:
        a = signature_values(_fp(left).minhash)  # type: ignore[attr-defined]
        b = signature_values(_fp(right).minhash)  # type: ignore[attr-defined]
        estimate = float(np.mean(a == b))
        assert estimate == pytest.approx(_jaccard(left, right), abs=0.15)


def test_cjk_text_is_tokenised_by_character() -> None:
    assert tokens("海港的灯光 Harbour LIGHTS") == ["海", "港", "的", "灯", "光", "harbour", "lights"]


def test_short_text_is_one_shingle() -> None:
    assert shingles(["a", "b"]) == ["a b"]
    assert shingles([]) == []


def test_signature_equals_datasketch_affine32_over_the_same_shingle_hashes() -> None:
    from datasketch import MinHash

    words = tokens(page("wire-daily.txt"))
    hashes = shingle_hashes(words)
    sketch = MinHash(num_perm=RECIPE.num_perm, seed=RECIPE.seed, scheme="affine32", hashfunc=lambda v: v)
    sketch.update_batch(hashes.tolist())
    article = extract_article(document(" ".join(words), kind="record"))
    assert signature_values(fingerprint_article(article).minhash).tolist() == sketch.hashvalues.tolist()


@pytest.mark.parametrize("seed", [1, 7])
def test_permutations_are_datasketch_affine32_without_importing_it(seed: int) -> None:
    import dataclasses

    from datasketch import MinHash

    from provenance.article.fingerprint import _permutations

    recipe = dataclasses.replace(RECIPE, seed=seed)
    a, b = _permutations(recipe)
    expected_a, expected_b = MinHash(num_perm=recipe.num_perm, seed=seed, scheme="affine32").permutations
    assert a.tolist() == expected_a.tolist() and b.tolist() == expected_b.tolist()


# Fingerprints of texts in spaced scripts, as the tokenizer made them before it knew combining
# marks and unspaced scripts: every stored signature of such a text must stay valid.
PINNED = [
    ("wire-daily.txt", 336, "983cdb6d784cd228cc8a3a2c526e40e06f69dcb6c92470e87fcba09ab0023f86", "a5b5d6f2d85a3a1f"),
    ("Zoë Saldaña’s café in São Paulo — naïve “façade”, Ærøskøbing & Łódź; don't stop: 1,204.5 km, 3rd place, "
     "e-mail_user x²", 24, "98f4e0eb95f1fb1a1877d48623d827f6014ddd67ee53014f01429cf22239c736", "8dd387dd4a892d81"),
    ("Москва заявила, что переговоры продолжатся. Η Αθήνα απάντησε ότι η συμφωνία ισχύει.", 12,
     "43e5487d70cdc3d4f5928f1076a466c2ab311348d82166b71119289a48a1254c", "52836dc746aac780"),
    ("海港的灯光 Harbour LIGHTS 東京タワー 서울 시청", 16,
     "a3efc426265c7297b5a880a41fa592b588d0578556394d983b8bf67da54b57a5", "216da4bf9487932c"),
]


@pytest.mark.parametrize(("text", "count", "content", "shingled"), PINNED, ids=["wire", "latin", "cyrillic-greek", "cjk"])
def test_fingerprints_of_spaced_scripts_do_not_change(text: str, count: int, content: str, shingled: str) -> None:
    import hashlib

    from provenance.article.fingerprint import content_hash

    words = tokens(page(text) if text.endswith(".txt") else text)
    assert len(words) == count
    assert content_hash(words) == content
    assert hashlib.sha256(shingle_hashes(words).tobytes()).hexdigest()[:16] == shingled


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("भारत ने किया। यह हिंदी है", ["भारत", "ने", "किया", "यह", "हिंदी", "है"]),
        ("বাংলাদেশের রাজধানী", ["বাংলাদেশের", "রাজধানী"]),
        ("پاکستان کی حکومت نے کہا۔", ["پاکستان", "کی", "حکومت", "نے", "کہا"]),
        ("مُحَمَّد محمد مــحمد", ["محمد", "محمد", "محمد"]),
        ("שָׁלוֹם שלום", ["שלום", "שלום"]),
        ("می‌خواهم", ["می\u200cخواهم"]),
        ("ภาษาไทย 2024", ["ภ", "า", "ษ", "า", "ไ", "ท", "ย", "2024"]),
        ("ក្រសួង", ["ក្", "រ", "សួ", "ង"]),
    ],
    ids=["devanagari", "bengali", "urdu", "arabic-points", "hebrew-points", "persian-zwnj", "thai", "khmer"],
)
def test_words_keep_their_marks_and_unspaced_scripts_are_tokenised_by_letter(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_word_hash_table_stays_within_its_size_and_hashes_do_not_depend_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from provenance.article import fingerprint

    texts = [f"Officials in district {i} counted {i * 7} ballots on Monday, clerk Ana Varga{i} said." for i in range(300)]
    expected = [shingle_hashes(tokens(t), 5) for t in texts]
    monkeypatch.setattr(fingerprint, "TOKEN_CACHE_WORDS", 50)
    monkeypatch.setattr(fingerprint, "_TOKEN_HASHES", {})
    sizes = []
    for text, want in zip(texts, expected):
        assert np.array_equal(shingle_hashes(tokens(text), 5), want)
        sizes.append(len(fingerprint._TOKEN_HASHES))
    assert max(sizes) <= 50
    assert min(sizes[10:]) < 50  # emptied when full, not frozen at the limit
