"""Per-article stages: pure functions of one document.

extract and zones (Document -> Article), dates, fingerprint (Article -> Fingerprint),
facts (Article -> Facts). Nothing here touches the network, the clock or a database.
"""
