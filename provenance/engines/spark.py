"""The Spark engine: the local engine's audit, in batch, on ``local[*]`` or a cluster.

It composes the same stage functions as the local engine; only the order of
work differs. The database the run ends with is the one a local run of the
same inputs would build (ids and timestamps aside):

    1. inputs       input_units()          paths -> files (one task each), in input order
    2. prepare      read_inputs()          in tasks: the same readers, then stages 3 to 6
                    prepare_document()     (extract, fingerprint, facts, rules) per document
    3. identities   _number()              the driver numbers new articles as the store will
    4. candidates   _match()               band keys exploded and joined, shared keys counted,
                    rank_candidates()      per article, among earlier articles, as the index does;
                    _semantic()            the nearest earlier document vectors (broadcast sign bits)
    5. confirm      confirm_pair()         in tasks, on each candidate pair and on each pair of
                    duplicate_link()       articles with the same text; then check_copy() for
                    check_copy()           the cross-checks
    6. store        audit_prepared()       the local engine's store steps, in input order:
                                           primary sources, stories, source scores

Steps 4 and 5 run only when the database holds no article yet; against a
database that already holds articles, the store step matches each new article
against it as the local engine does (steps 2 and 6 still run on Spark and the
driver). Each input file is one task: shard very large JSON Lines or WARC
files to spread them (Common Crawl's news crawl already ships many files).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus.candidates import MAX_BAND_MATCHES, MAX_CANDIDATES, band_keys, rank_candidates
from ..corpus.copies import confirm_pair
from ..corpus.crosscheck import check_copy, is_cross_checked
from ..corpus.direction import duplicate_link
from ..corpus.semantic import choose_vector_candidates, sign_bits, stored_cosine, vector_bytes
from ..errors import ProvenanceError
from ..ingest.readers import IngestOptions, input_units, read_inputs
from ..models import Copy, Disagreement, Fact, InputProblem, KnownArticle
from ..rules.engine import RuleSet, load_rules
from ..store.sqlite import AuditStore
from ..store.vectors import SignIndex
from .local import AuditOptions, Event, Matched, Prepared, RunResult, audit_prepared, prepare_document, utc_now

if TYPE_CHECKING:
    from pyspark import RDD, Broadcast
    from pyspark.sql import SparkSession

__all__ = ["SparkOptions", "audit_spark", "copy_to_hadoop", "default_master", "spark_session"]

Clock = Any


@dataclass(frozen=True, slots=True)
class SparkOptions:
    #: The Spark master: ``local[*]``, ``local[2]``, ``yarn``, ``k8s://…``, ``spark://…``; None keeps
    #: what spark-submit or an existing session set.
    master: str | None = "local[*]"
    #: Partitions for the pair stages; None: twice the default parallelism.
    partitions: int | None = None


def spark_session(master: str | None = "local[*]", app_name: str = "provenance") -> SparkSession:
    """A Spark session for the engine (the one already running, if any)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - the extra is missing
        raise ProvenanceError("the Spark engine needs PySpark: pip install 'provenance[spark]' (and Java 17)") from None
    # Workers run this interpreter, where provenance is installed, unless the cluster says otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name).config("spark.ui.enabled", "false")
    builder = builder.config("spark.python.worker.reuse", "true")
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def default_master() -> str | None:
    """None under spark-submit (its --master holds), else ``local[*]``."""
    return None if "PYSPARK_GATEWAY_PORT" in os.environ else "local[*]"


def copy_to_hadoop(session: SparkSession, local_dir: str, uri: str) -> None:
    """Copy a local folder to a Hadoop-compatible path (hdfs://, s3a://, gs://), replacing what is there."""
    jvm: Any = session.sparkContext._jvm
    conf: Any = session.sparkContext._jsc.hadoopConfiguration()
    target = jvm.org.apache.hadoop.fs.Path(uri)
    fs = target.getFileSystem(conf)
    if fs.exists(target):
        fs.delete(target, True)
    fs.copyFromLocalFile(False, True, jvm.org.apache.hadoop.fs.Path(local_dir), target)


def audit_spark(
    inputs: Iterable[str],
    store: AuditStore,
    *,
    options: AuditOptions | None = None,
    spark_options: SparkOptions | None = None,
    spark: SparkSession | None = None,
    now: Clock = utc_now,
    command: str = "audit --engine spark",
) -> Iterator[Event | RunResult]:
    """Audit ``inputs`` into ``store`` on Spark; yield each result, then a RunResult (as ``local.audit``)."""
    options = options or AuditOptions()
    spark_options = spark_options or SparkOptions()
    given = list(inputs)
    session = spark or spark_session(spark_options.master)
    sc = session.sparkContext
    ruleset = options.rules or load_rules()
    options = replace(options, rules=ruleset)
    # 1. inputs: one task per file, in the order the local engine reads them
    units = input_units(given)
    stamp = now()
    rules_b = sc.broadcast(ruleset)
    ingest = options.ingest
    budget = options.time_budget
    slices = max(1, min(len(units), sc.defaultParallelism * 4))
    # 2. prepare: the same readers and stages 3 to 6, in tasks
    local_units = [(i, unit) for i, unit in enumerate(units) if not _is_hadoop(unit)]
    prepared: RDD[tuple[tuple[int, int, int], Prepared | InputProblem]] = sc.parallelize(
        local_units or [(-1, "")], slices
    ).flatMap(lambda unit: _prepare_unit(unit, rules_b.value, stamp, ingest, budget))
    for i, unit in enumerate(units):
        if _is_hadoop(unit):
            # Files on a Hadoop-compatible file system: Spark lists and reads them, in name order.
            files: RDD[tuple[tuple[str, bytes], int]] = sc.binaryFiles(unit).sortByKey().zipWithIndex()
            prepared = prepared.union(files.flatMap(_bytes_preparer(i, rules_b, stamp, ingest, budget)))
    prepared = prepared.persist()
    try:
        matched: dict[int, Matched] | None = None
        if not store.has_articles():
            # 3. identities, as a fresh database will number the articles
            numbered = _number(prepared.map(lambda kv: (kv[0], _identity(kv[1]))).collect())
            if numbered:
                ids_b = sc.broadcast(numbered)
                by_id = prepared.flatMap(lambda kv: _with_id(kv, ids_b.value)).persist()
                partitions = spark_options.partitions or max(2, sc.defaultParallelism * 2)
                # 4. candidates, 5. confirm and cross-check
                matched = _match(session, by_id, partitions)
                by_id.unpersist()
        # 6. store, in input order
        items = prepared.sortByKey(numPartitions=slices).values().toLocalIterator()
        yield from audit_prepared(items, given, store, matched=matched, options=options, now=now, command=command)
    finally:
        prepared.unpersist()


def _is_hadoop(unit: str) -> bool:
    return "://" in unit and not unit.startswith(("file://", "http://", "https://"))


def _prepare_unit(
    unit: tuple[int, str], ruleset: RuleSet, now: dt.datetime, ingest: IngestOptions, budget: float
) -> Iterator[tuple[tuple[int, int, int], Prepared | InputProblem]]:
    index, location = unit
    if index < 0:
        return
    for k, item in enumerate(read_inputs([location.removeprefix("file://")], ingest)):
        yield (index, 0, k), item if isinstance(item, InputProblem) else prepare_document(item, ruleset, now, budget)


def _bytes_preparer(
    index: int, rules: Broadcast[RuleSet], now: dt.datetime, ingest: IngestOptions, budget: float
) -> Callable[[tuple[tuple[str, bytes], int]], Iterator[tuple[tuple[int, int, int], Prepared | InputProblem]]]:
    def prepare(item: tuple[tuple[str, bytes], int]) -> Iterator[tuple[tuple[int, int, int], Prepared | InputProblem]]:
        (uri, data), number = item
        return _prepare_bytes(index, number, uri, bytes(data), rules.value, now, ingest, budget)

    return prepare


def _prepare_bytes(
    index: int, number: int, uri: str, data: bytes, ruleset: RuleSet, now: dt.datetime, ingest: IngestOptions,
    budget: float,
) -> Iterator[tuple[tuple[int, int, int], Prepared | InputProblem]]:
    """One file read by Spark from a Hadoop path: the same readers, on a local copy, locations kept."""
    suffix = "".join(Path(uri).suffixes[-2:])
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "input" + suffix)
        with open(path, "wb") as handle:
            handle.write(data)
        for k, item in enumerate(read_inputs([path], ingest)):
            item = replace(item, location=item.location.replace(path, uri, 1))
            yield (index, number, k), item if isinstance(item, InputProblem) else prepare_document(item, ruleset, now, budget)


# 3. identities -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    location: str
    raw_sha256: str
    capture_url: str | None
    content_hash: str


def _identity(item: Prepared | InputProblem) -> _Identity | None:
    if isinstance(item, InputProblem):
        return None
    capture = item.doc.capture
    return _Identity(item.doc.location, item.doc.raw_sha256, capture.url if capture else None,
                     item.fingerprint.content_hash)


def _number(identities: list[tuple[tuple[int, int, int], _Identity | None]]) -> dict[tuple[int, int, int], int]:
    """The id each new article will get in a fresh database: input order, repeats and same versions skipped.

    A wrong guess costs only speed: the store step uses a result only for the
    article it was computed for, and matches any other against the database.
    """
    ids: dict[tuple[int, int, int], int] = {}
    seen: set[tuple[str, str]] = set()
    latest: dict[str, str] = {}
    for seq, identity in sorted(identities, key=lambda pair: pair[0]):
        if identity is None or (identity.location, identity.raw_sha256) in seen:
            continue
        if identity.capture_url is not None and latest.get(identity.capture_url) == identity.content_hash:
            continue
        seen.add((identity.location, identity.raw_sha256))
        if identity.capture_url is not None:
            latest[identity.capture_url] = identity.content_hash
        ids[seq] = len(ids) + 1
    return ids


def _with_id(
    kv: tuple[tuple[int, int, int], Prepared | InputProblem], ids: dict[tuple[int, int, int], int]
) -> Iterator[tuple[int, Prepared]]:
    seq, item = kv
    if seq in ids and not isinstance(item, InputProblem):
        yield ids[seq], item


# 4. candidates and 5. confirmation ----------------------------------------------------


def _match(session: SparkSession, by_id: RDD[tuple[int, Prepared]], partitions: int) -> dict[int, Matched]:
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    keys = session.createDataFrame(
        by_id.flatMap(lambda kv: [(kv[0], key) for key in band_keys(kv[1].fingerprint)]),
        StructType([StructField("id", LongType(), False), StructField("key", LongType(), False)]),
    )
    hashes = session.createDataFrame(
        by_id.map(lambda kv: (kv[0], kv[1].fingerprint.content_hash)),
        StructType([StructField("id", LongType(), False), StructField("hash", StringType(), False)]),
    )
    # Articles with the same text: every earlier one is a duplicate, and none is a band candidate.
    a, b = hashes.alias("a"), hashes.alias("b")
    same = a.join(b, (F.col("a.hash") == F.col("b.hash")) & (F.col("b.id") < F.col("a.id"))).select(
        F.col("a.id").alias("new"), F.col("b.id").alias("old")
    )
    # Earlier articles sharing band keys, most shared first, as the SQLite index ranks them.
    shared = (
        keys.alias("k").join(keys.alias("o"), "key")
        .where(F.col("o.id") < F.col("k.id"))
        .groupBy(F.col("k.id").alias("new"), F.col("o.id").alias("old"))
        .count()
    )
    order = Window.partitionBy("new").orderBy(F.col("count").desc(), F.col("old").asc())
    top = shared.withColumn("rank", F.row_number().over(order)).where(F.col("rank") <= MAX_BAND_MATCHES)
    fingerprints = by_id.mapValues(lambda p: p.fingerprint)
    top_rdd = top.select("new", "old").rdd.map(lambda r: (int(r[1]), int(r[0])))
    with_old = top_rdd.join(fingerprints, partitions).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
    same_rdd = same.rdd.map(lambda r: (int(r[0]), int(r[1])))
    skip = same_rdd.groupByKey(partitions).mapValues(frozenset)
    ranked = (
        with_old.groupByKey(partitions)
        .join(fingerprints, partitions)
        .leftOuterJoin(skip, partitions)
        .flatMap(lambda kv: _ranked(kv[0], kv[1][0][0], kv[1][0][1], kv[1][1]))
    )
    # The semantic channel: each article's nearest earlier vectors, and the cosines of its band candidates.
    semantic = _semantic(session, by_id, ranked, skip, partitions)
    # ((new, old), (anchors, cosine)): a candidate from either channel, or both.
    candidates = (
        ranked.map(lambda kv: ((kv[0], kv[1][0]), (kv[1][1], None)))
        .union(semantic.map(lambda kv: ((kv[0], kv[1][0]), (None, kv[1][1]))))
        .reduceByKey(lambda x, y: (x[0] if x[0] is not None else y[0], x[1] if x[1] is not None else y[1]), partitions)
    )
    # (new, (old, kind, anchors, cosine)): kind 0 a duplicate, 1 a candidate; then both articles joined in.
    pairs = candidates.map(
        lambda kv: (kv[0][0], (kv[0][1], 1, kv[1][0] if kv[1][0] is not None else 0.0, kv[1][1]))
    ).union(same_rdd.map(lambda p: (p[0], (p[1], 0, 0.0, None))))
    with_new = pairs.join(by_id, partitions).map(lambda kv: (kv[1][0][0], (kv[0], kv[1][0], kv[1][1])))
    confirmed = with_new.join(by_id, partitions).flatMap(
        lambda kv: _confirm(kv[1][0][0], kv[1][0][2], kv[0], kv[1][1], kv[1][0][1][1], kv[1][0][1][2], kv[1][0][1][3])
    )
    grouped = confirmed.groupByKey(partitions).join(by_id.mapValues(lambda p: (p.doc.location, p.doc.raw_sha256)))
    return dict(grouped.map(lambda kv: (kv[0], _matched(kv[0], kv[1][1], kv[1][0]))).collect())


def _ranked(
    new: int, olds: Iterable[tuple[int, Any]], fingerprint: Any, skip: frozenset[int] | None
) -> Iterator[tuple[int, tuple[int, float]]]:
    candidates = [(old, fp.minhash, fp.anchor_minhash or b"") for old, fp in olds]
    for old, anchors in rank_candidates(fingerprint, candidates, skip=skip or frozenset()):
        yield new, (old, anchors)


def _semantic(
    session: SparkSession,
    by_id: RDD[tuple[int, Prepared]],
    ranked: RDD[tuple[int, tuple[int, float]]],
    skip: RDD[tuple[int, frozenset[int]]],
    partitions: int,
) -> RDD[tuple[int, tuple[int, float]]]:
    """(new, (old, cosine)) for each semantic candidate of each article with a vector, as
    ``VectorsStore.vector_candidates`` finds it in the local engine.

    The sign bits and vectors of every article are broadcast (32 + 512 bytes an article); each task
    reads the index as the local engine held it when its article was stored: the articles up to it.
    """
    sc = session.sparkContext
    with_vector = by_id.filter(lambda kv: kv[1].vector is not None).mapValues(lambda p: p.vector)
    rows = sorted(with_vector.map(lambda kv: (kv[0], sign_bits(kv[1]), vector_bytes(kv[1]))).collect())
    if not rows:
        return sc.emptyRDD()
    index = SignIndex()
    for article_id, bits, _ in rows:
        index.add(article_id, bits)
    index_b = sc.broadcast(index)
    stored_b = sc.broadcast({article_id: data for article_id, _, data in rows})
    banded = ranked.mapValues(lambda c: c[0]).groupByKey(partitions).mapValues(list)
    return (
        with_vector.leftOuterJoin(banded, partitions)
        .leftOuterJoin(skip, partitions)
        .flatMap(lambda kv: _vector_candidates(kv[0], kv[1][0][0], kv[1][0][1] or [], kv[1][1] or frozenset(),
                                               index_b.value, stored_b.value))
    )


def _vector_candidates(
    article_id: int, vector: Any, banded: list[int], skip: frozenset[int], index: SignIndex, stored: dict[int, bytes]
) -> Iterator[tuple[int, tuple[int, float]]]:
    near = index.shortlist(vector, MAX_CANDIDATES, exclude=article_id, upto=article_id)
    ids = sorted(banded)
    wanted = dict.fromkeys([*near, *ids])
    scored = {i: stored_cosine(vector, stored[i]) for i in wanted if i in stored}
    for other, cosine in choose_vector_candidates(scored, ids, MAX_CANDIDATES):
        if other not in skip:
            yield article_id, (other, cosine)


def _confirm(
    new_id: int, new: Prepared, old_id: int, old: Prepared, kind: int, anchors: float, cosine: float | None
) -> Iterator[tuple[int, tuple[int, int, Copy, tuple[Disagreement, ...] | None]]]:
    known = _known(old_id, old)
    copy = duplicate_link(new_id, new.article, known) if kind == 0 else confirm_pair(
        new_id, new.article, known, anchors, cosine)
    if copy is None:
        return
    checks = None
    if is_cross_checked(copy):
        checks = tuple(check_copy(new_id, new.article, new.facts, copy, old.article, _as_stored(old.facts)))
    yield new_id, (kind, old_id, copy, checks)


def _known(article_id: int, prepared: Prepared) -> KnownArticle:
    """A stored article as the copies stage sees it (KnownArticle), from its prepared form."""
    article = prepared.article
    return KnownArticle(article_id, article.domain, article.published, None, "", article.site_name,
                        tuple(article.credits), article.text, article.url, article.canonical_url)


def _as_stored(facts: Sequence[Fact]) -> list[Fact]:
    """Facts in the order the store gives them back (by offset)."""
    return sorted(facts, key=lambda f: f.start)


def _matched(
    article_id: int, identity: tuple[str, str], found: Iterable[tuple[int, int, Copy, tuple[Disagreement, ...] | None]]
) -> Matched:
    # Duplicates first, then confirmed candidates, each by the other article's id: the local engine's order.
    ordered = sorted(found, key=lambda f: (f[0], f[1]))
    return Matched(
        article_id, identity[0], identity[1], tuple(f[2] for f in ordered),
        tuple((f[1], f[3]) for f in ordered if f[3] is not None),
    )
