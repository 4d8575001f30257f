"""Corpus stages: functions of pairs and groups of articles.

copies (confirmation, relation, direction), stories, cross-checks between copies,
source scores. They take what they need as values or through a small protocol;
none imports an engine or a store.
"""
