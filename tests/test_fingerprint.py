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
