from __future__ import annotations

import pytest

from provenance.article.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("پاکستان کی حکومت نے کہا۔ یہ اردو ہے؟ ہاں۔", ["پاکستان کی حکومت نے کہا۔", "یہ اردو ہے؟", "ہاں۔"]),
        ("قال الوزير. وأضاف أن الاتفاق سار؟ نعم.", ["قال الوزير.", "وأضاف أن الاتفاق سار؟", "نعم."]),
        ("भारत ने किया। यह हिंदी है॥ और", ["भारत ने किया।", "यह हिंदी है॥", "और"]),
        ("海港的灯光。“你好！”他说。东京？", ["海港的灯光。", "“你好！”", "他说。", "东京？"]),
        ("東京は晴れ。大阪は雨！", ["東京は晴れ。", "大阪は雨！"]),
        ("Он сказал. Москва ответила! «Да».", ["Он сказал.", "Москва ответила!", "«Да»."]),
        ("Η Αθήνα απάντησε. Ελλάδα είναι.", ["Η Αθήνα απάντησε.", "Ελλάδα είναι."]),
        ("Il a dit. État de droit. ¿Qué pasa? Nada.", ["Il a dit.", "État de droit.", "¿Qué pasa?", "Nada."]),
        ("שלום לכולם. הממשלה החליטה.", ["שלום לכולם.", "הממשלה החליטה."]),
        ("Հայաստան։ Երևան։", ["Հայաստան։", "Երևան։"]),
        ("ኢትዮጵያ ናት። አዲስ አበባ።", ["ኢትዮጵያ ናት።", "አዲስ አበባ።"]),
        ("in the U.S. The company said. Mr. Smith went", ["in the U.S.", "The company said.", "Mr. Smith went"]),
    ],
    ids=["urdu", "arabic", "devanagari", "chinese", "japanese", "russian", "greek", "french-spanish", "hebrew",
         "armenian", "amharic", "english"],
)
def test_sentence_boundaries_in_many_scripts(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected
