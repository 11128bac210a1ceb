"""Pure parts of the log tail: task streams, searches, Insights queries, formatting."""

from __future__ import annotations

import re

import pytest

from mwaa_tui.core.format import human_bytes, ingestion_delay
from mwaa_tui.core.logview import compile_search, insights_query, insights_timestamp
from mwaa_tui.core.tasklogs import TaskAttempt, attempt_finished, build_tree, parse_stream
from mwaa_tui.sandbox.insights import QueryError, parse


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "dag_id=etl/run_id=scheduled__2026-11-25T10_00_00+00_00/task_id=load/attempt=2.log",
            ("etl", "scheduled__2026-11-25T10_00_00+00_00", "load", None, 2),
        ),
        (
            "dag_id=etl/run_id=manual__x/task_id=copy/map_index=7/attempt=1.log",
            ("etl", "manual__x", "copy", 7, 1),
        ),
        (
            "old_dag/legacy_task/2021-05-11T00_00_00+00_00/3.log",
            ("old_dag", "2021-05-11T00_00_00+00_00", "legacy_task", None, 3),
        ),
    ],
)
def test_task_streams_parse_in_both_layouts(name: str, expected: tuple[object, ...]) -> None:
    a = parse_stream(name)
    assert a is not None
    assert (a.dag_id, a.run_id, a.task_id, a.map_index, a.attempt) == expected


@pytest.mark.parametrize(
    "name",
    ["scheduler_ip-10-0-1-1.log", "dag_id=x/run_id=y/attempt=1.log", "a/b/c/notanumber.log", ""],
)
def test_other_streams_are_not_attempts(name: str) -> None:
    assert parse_stream(name) is None


def test_tree_orders_runs_and_tasks_newest_first_and_attempts_descending() -> None:
    def a(run: str, task: str, attempt: int, last: int, m: int | None = None) -> TaskAttempt:
        return TaskAttempt(f"{run}/{task}/{attempt}", "d", run, task, attempt, m, 0, last)

    tree = build_tree(
        [
            a("r1", "t1", 1, 10),
            a("r2", "t1", 1, 50),
            a("r2", "t2", 1, 60),
            a("r2", "t2", 2, 70),
            a("r2", "t3", 1, 5, m=4),
        ]
    )
    assert list(tree["d"]) == ["r2", "r1"]
    assert list(tree["d"]["r2"]) == ["t2", "t1", "t3 [4]"]
    assert [x.attempt for x in tree["d"]["r2"]["t2"]] == [2, 1]


def test_an_attempt_is_finished_once_airflow_logs_its_final_state() -> None:
    assert not attempt_finished(["Starting attempt 1 of 3", "Poking for key"])
    assert attempt_finished(["x", "INFO - Marking task as UP_FOR_RETRY. dag_id=d"])
    assert attempt_finished(["Task exited with return code 1"])


def test_search_is_case_insensitive_literal_text_or_a_regex() -> None:
    pattern, error = compile_search("a.b (c)")
    assert pattern is not None and not error
    assert pattern.search("xx A.B (C) yy") and not pattern.search("axb (c)")
    regex, _ = compile_search("re:fail(ed|ure)")
    assert regex is not None and regex.search("FAILURE")
    assert compile_search("re:(")[1].startswith("not a valid regular expression")
    assert compile_search("") == (None, "")


def test_insights_query_escapes_text_and_slashes() -> None:
    q = insights_query("s3://bucket/key (1)", limit=50)
    assert q.startswith("fields @timestamp, @message, @logStream, @log | filter @message like /")
    assert r"s3:\/\/bucket\/key\ \(1\)" in q
    assert q.endswith("| sort @timestamp desc | limit 50")
    pattern, newest_first, limit = parse(q)
    assert pattern is not None and pattern.search("copy S3://BUCKET/KEY (1) done")
    assert newest_first and limit == 50
    pattern, _, _ = parse(insights_query("re:a/b|c"))
    assert pattern is not None and pattern.search("A/B") and pattern.search("c")


def test_sandbox_refuses_what_it_cannot_run() -> None:
    with pytest.raises(QueryError):
        parse("fields @message | filter @message like /(/")
    with pytest.raises(QueryError):
        parse("fields @message | filter level = 'ERROR'")


def test_insights_timestamps_are_utc() -> None:
    assert insights_timestamp("2026-11-25 10:00:00.123") == 1795600800123
    assert insights_timestamp("2026-11-25 10:00:00") == 1795600800000
    assert insights_timestamp("yesterday") == 0


def test_ingestion_delay_and_sizes_read_plainly() -> None:
    assert ingestion_delay(1000, 5200) == "4.2 s"
    assert ingestion_delay(0, 1000) == "unknown"
    assert ingestion_delay(1000, 0) == "unknown"
    assert ingestion_delay(0 + 1, 1 + 150_000) == "2.5 min"
    assert re.match(r"ingested 2\.0 s before", ingestion_delay(5000, 3000))
    assert human_bytes(999) == "999 B"
    assert human_bytes(1_234_567) == "1.2 MB"
    assert human_bytes(5e12) == "5000.0 GB"
