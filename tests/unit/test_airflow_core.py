"""Airflow's REST API through InvokeRestApi, the pure part: the read-only rule, versions,
parsing both API versions, failures in plain words, stream names, Airflow 3 JSON lines."""

from __future__ import annotations

import json

import pytest

from mwaa_tui.core.airflow import (
    MAX_PATH,
    airflow_problem,
    airflow_version,
    api_version,
    aws_failure,
    describe_aws_failure,
    health_path,
    newest_first,
    parse_dag_runs,
    parse_health,
    parse_import_errors,
    parse_pools,
    parse_task_instances,
    parse_time,
    rest_api_available,
    rest_api_refusal,
    task_order_supported,
    viewer_role_arn,
)
from mwaa_tui.core.jsonlog import parse_line, pretty, readable
from mwaa_tui.core.logview import compile_field_matcher, compile_matcher
from mwaa_tui.core.snapshots import ErrorInfo, ErrorKind, PoolRow
from mwaa_tui.core.tasklogs import parse_stream, task_log_stream
from mwaa_tui.pollers.airflow import RequestBudget

ENV_ARN = "arn:aws:airflow:eu-west-1:123456789012:environment/prod"


def get(path: str, **extra: object) -> dict[str, object]:
    return {"Name": "prod", "Method": "GET", "Path": path, **extra}


@pytest.mark.parametrize(
    "path",
    [
        "/dags",
        "/dags/~/dagRuns",
        "/dags/~/dagRuns/~/taskInstances",
        "/dags/s3_ingest/dagRuns/scheduled__2026-11-30T06:00:00+00:00",
        "/importErrors",
        "/importErrors/3",
        "/pools",
        "/pools/default_pool",
        "/health",
        "/monitor/health",
        "/version",
    ],
)
def test_reads_of_the_short_list_are_allowed(path: str) -> None:
    assert rest_api_refusal(get(path, QueryParameters={"state": "failed", "limit": 100})) is None


@pytest.mark.parametrize(
    ("params", "why"),
    [
        (get("/dags/x", Method="PATCH"), "only GET"),
        (get("/dags/~/dagRuns", Method="POST"), "only GET"),
        (get("/pools/p", Method="DELETE"), "only GET"),
        (get("/dags", Method="get"), "only GET"),
        (get("/connections"), "not one of the read endpoints"),
        (get("/variables/secret"), "not one of the read endpoints"),
        (get("/eventLogs"), "not one of the read endpoints"),
        (get("/config"), "not one of the read endpoints"),
        (get("/dags/~/dagRuns/~/taskInstances/t/logs/1"), "not one of the read endpoints"),
        (get("/dags/../connections"), "not one of the read endpoints"),
        (get("/dags/%2e%2e/connections"), "not one of the read endpoints"),
        (get("/health?x=1"), "not one of the read endpoints"),
        (get("/api/v1/dags"), "not one of the read endpoints"),
        (get("/dags/" + "d" * 60), "at most 64"),
        (get(""), "a Path is required"),
        (get("/dags", Body={"is_paused": True}), "no Body"),
        (get("/dags", QueryParameters={"x": {"nested": 1}}), "not a plain value"),
        (get("/dags", QueryParameters="limit=1"), "must be an object"),
    ],
)
def test_everything_else_is_refused_with_a_reason(params: dict[str, object], why: str) -> None:
    refusal = rest_api_refusal(params)
    assert refusal is not None and why in refusal


def test_the_longest_path_the_poller_needs_is_far_below_the_limit() -> None:
    assert len("/dags/~/dagRuns/~/taskInstances") < MAX_PATH // 2


@pytest.mark.parametrize(
    ("version", "available", "api", "health", "ordered"),
    [
        ("1.10.12", False, "v1", "/health", False),
        ("2.2.2", False, "v1", "/health", False),
        ("2.4.2", False, "v1", "/health", False),
        ("2.4.3", True, "v1", "/health", False),
        ("2.9.2", True, "v1", "/health", False),
        ("2.10.3", True, "v1", "/health", True),
        ("3.0.6", True, "v2", "/monitor/health", True),
        ("", True, "v1", "/health", True),
    ],
)
def test_versions(version: str, available: bool, api: str, health: str, ordered: bool) -> None:
    assert rest_api_available(version) is available
    assert api_version(version) == api
    assert health_path(version) == health
    assert task_order_supported(version) is ordered


def test_airflow_version_argument() -> None:
    assert airflow_version(" 3.0.6 ") == "3.0.6"
    for bad in ("3", "3.x", "latest", "3.0.6; rm"):
        with pytest.raises(ValueError):
            airflow_version(bad)


def test_viewer_role_arn_comes_from_the_environment_arn() -> None:
    assert (
        viewer_role_arn(ENV_ARN, "prod")
        == "arn:aws:airflow:eu-west-1:123456789012:role/prod/Viewer"
    )
    assert viewer_role_arn("", "prod") == "arn:aws:airflow:REGION:ACCOUNT:role/prod/Viewer"
    china = "arn:aws-cn:airflow:cn-north-1:111122223333:environment/x"
    assert viewer_role_arn(china, "x").startswith("arn:aws-cn:airflow:cn-north-1:111122223333:")


def test_times_of_both_api_versions() -> None:
    assert parse_time("2026-11-30T06:00:00+00:00") == parse_time("2026-11-30T06:00:00Z")
    assert parse_time("2026-11-30T06:00:00.5Z") == parse_time("2026-11-30T06:00:00Z") + 0.5  # type: ignore[operator]
    assert parse_time("2026-11-30T06:00:00") is None  # naive: not guessed
    assert parse_time(None) is None and parse_time("soon") is None


V1_RUNS = {
    "dag_runs": [
        {
            "dag_id": "s3_ingest",
            "dag_run_id": "scheduled__2026-11-30T06:00:00+00:00",
            "execution_date": "2026-11-30T06:00:00+00:00",
            "logical_date": "2026-11-30T06:00:00+00:00",
            "start_date": "2026-11-30T06:00:02+00:00",
            "end_date": "2026-11-30T06:01:10+00:00",
            "state": "failed",
            "run_type": "scheduled",
        }
    ],
    "total_entries": 1,
}
V2_RUNS = {
    "dag_runs": [
        {
            "dag_id": "s3_ingest",
            "dag_run_id": "manual__2026-11-30T06:03:00+00:00",
            "logical_date": None,
            "run_after": "2026-11-30T06:03:00Z",
            "start_date": "2026-11-30T06:03:01Z",
            "end_date": None,
            "duration": None,
            "state": "running",
            "run_type": "manual",
        },
        {"dag_id": "x", "dag_run_id": "r", "state": "failed", "duration": 12.5},
    ],
    "total_entries": 2,
}


def test_dag_runs_of_both_versions() -> None:
    (v1,) = parse_dag_runs(V1_RUNS)
    assert (v1.dag_id, v1.state, v1.duration) == ("s3_ingest", "failed", 68.0)
    assert v1.logical_date == parse_time("2026-11-30T06:00:00Z")
    running, other = parse_dag_runs(V2_RUNS)
    assert running.logical_date is None and running.end is None and running.duration is None
    assert running.run_type == "manual" and other.duration == 12.5
    assert parse_dag_runs({"dag_runs": "nope"}) == [] and parse_dag_runs(None) == []


def ti(state: str, try_number: int, map_index: int = -1, end: str | None = None) -> dict:
    return {
        "dag_id": "s3_ingest",
        "dag_run_id": "scheduled__2026-11-30T06:00:00+00:00",
        "task_id": "wait_for_file" if try_number else "copy_to_raw",
        "map_index": map_index,
        "try_number": try_number,
        "state": state,
        "operator": "S3KeySensor",
        "start_date": "2026-11-30T06:00:02+00:00",
        "end_date": end,
        "execution_date": "2026-11-30T06:00:00+00:00",
    }


def test_task_instances_carry_their_log_stream() -> None:
    payload = {
        "task_instances": [
            ti("failed", 3, 1, "2026-11-30T06:00:40+00:00"),
            ti("up_for_retry", 1, 2, "2026-11-30T06:00:15+00:00"),
            ti("upstream_failed", 0, -1, "2026-11-30T06:01:00+00:00"),
        ]
    }
    failed, retry, upstream = parse_task_instances(payload, "2.10.3")
    assert failed.stream == (
        "dag_id=s3_ingest/run_id=scheduled__2026-11-30T06_00_00+00_00/"
        "task_id=wait_for_file/map_index=1/attempt=3.log"
    )
    assert retry.stream.endswith("map_index=2/attempt=1.log") and retry.duration == 13.0
    assert upstream.stream == "" and upstream.dimmed and not failed.dimmed
    assert [r.state for r in newest_first([retry, failed, upstream, failed])] == [
        "upstream_failed",
        "failed",
        "up_for_retry",
    ]


def test_stream_names_for_both_layouts() -> None:
    modern = task_log_stream("d", "manual__2026-11-30T06:03:00.123+00:00", "t", 2)
    assert modern == "dag_id=d/run_id=manual__2026-11-30T06_03_00.123+00_00/task_id=t/attempt=2.log"
    assert ":" not in modern
    assert task_log_stream("d", "r", "t", 2, 0, airflow_version="3.0.6").endswith(
        "/task_id=t/map_index=0/attempt=2.log"
    )
    parsed = parse_stream(task_log_stream("d", "r", "t", 4, 7))
    assert parsed is not None and (parsed.attempt, parsed.map_index) == (4, 7)
    legacy = task_log_stream("d", "r", "t", 1, airflow_version="2.2.2", logical_date=0.0)
    assert legacy == "d/t/1970-01-01T00_00_00+00_00/1.log"
    assert parse_stream(legacy) is not None
    assert task_log_stream("d", "r", "t", 1, airflow_version="2.2.2") == ""
    assert task_log_stream("d", "r", "t", 0) == ""


def test_import_errors_are_sanitised_and_redacted() -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "/dags/x.py", line 1, in <module>\x1b]0;owned\x07\n'
        "    create_engine('postgresql://airflow:hunter2@db:5432/a')\u202e\n"
        "ModuleNotFoundError: No module named 'x' [bold red]\x1b[31mboom\x9b0m\n\n"
    )
    payload = {
        "import_errors": [
            {"import_error_id": 1, "filename": "/dags/x.py\x1b[2J", "stack_trace": trace,
             "timestamp": "2026-11-30T06:00:00Z"},
            {"import_error_id": 2, "filename": "/dags/y.py", "stack_trace": "",
             "timestamp": "2026-11-30T07:00:00+00:00"},
        ]
    }  # fmt: skip
    newer, row = parse_import_errors(payload)
    assert newer.filename == "/dags/y.py" and newer.last_line == ""
    assert row.filename == "/dags/x.py"
    assert row.last_line == "ModuleNotFoundError: No module named 'x' [bold red]boom"
    for text in (row.last_line, row.stack_trace):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e")
    assert "hunter2" not in row.stack_trace and "\n" in row.stack_trace
    (raw,) = parse_import_errors(
        {"import_errors": payload["import_errors"][:1]}, redact_secrets=False
    )
    assert "hunter2" in raw.stack_trace


def test_pools_saturation() -> None:
    v1 = {"name": "s3_sensors", "slots": 3, "running_slots": 3, "queued_slots": 4, "open_slots": 0}
    idle = {"name": "default_pool", "slots": 128, "running_slots": 2, "open_slots": 126}
    saturated, free = parse_pools({"pools": [idle, v1]})
    assert saturated.saturated and saturated.used_share == pytest.approx(7 / 3)
    assert not free.saturated and free.queued == 0
    assert not PoolRow("unlimited", -1, queued=5, open=0).saturated
    assert PoolRow("z", 0).used_share == 0.0


def test_health_of_both_versions() -> None:
    v1 = {
        "metadatabase": {"status": "healthy"},
        "scheduler": {
            "status": "unhealthy",
            "latest_scheduler_heartbeat": "2026-11-30T06:00:00+00:00",
        },
        "triggerer": {
            "status": "healthy",
            "latest_triggerer_heartbeat": "2026-11-30T06:01:00+00:00",
        },
        "dag_processor": {"status": None, "latest_dag_processor_heartbeat": None},
    }
    rows = {r.component: r for r in parse_health(v1)}
    assert set(rows) == {"metadatabase", "scheduler", "triggerer", "dag_processor"}
    now = parse_time("2026-11-30T06:01:30Z")
    assert now is not None
    assert rows["scheduler"].age(now) == 90.0 and not rows["scheduler"].healthy
    assert rows["triggerer"].healthy and rows["metadatabase"].age(now) is None
    assert rows["dag_processor"].status == ""
    v2 = {"metadatabase": {"status": "healthy"}, "dag_processor": {"status": "healthy",
          "latest_dag_processor_heartbeat": "2026-11-30T06:01:29Z"}}  # fmt: skip
    (db, processor) = parse_health(v2)
    assert processor.age(now) == 1.0 and db.component == "metadatabase"
    assert parse_health(["not", "a", "dict"]) == []


def test_airflow_side_errors_say_their_status() -> None:
    forbidden = airflow_problem(
        "pools",
        "/pools",
        {
            "RestApiStatusCode": 403,
            "RestApiResponse": {"detail": "no\x1b[2J", "title": "Forbidden"},
        },
    )
    assert forbidden.status == 403 and "Viewer role" in forbidden.message
    assert forbidden.message.endswith("(no)")
    failing = airflow_problem("health", "/health", {"RestApiStatusCode": 503})
    assert (
        failing.status == 503
        and "503 on /health" in failing.message
        and "retrying" in failing.message
    )
    v2 = airflow_problem(
        "x",
        "/dags",
        {"RestApiStatusCode": 422, "RestApiResponse": {"detail": [{"msg": "bad limit"}]}},
    )
    assert "422" in v2.message and "bad limit" in v2.message


def test_aws_side_failures_in_plain_words() -> None:
    role = viewer_role_arn(ENV_ARN, "prod")
    denied = aws_failure(
        ErrorInfo(ErrorKind.DENIED, "not authorized", "airflow:InvokeRestApi"), role
    )
    assert denied.kind is ErrorKind.DENIED and role in denied.message and role in denied.hint
    assert "airflow:InvokeRestApi" in describe_aws_failure(denied)
    private = aws_failure(
        ErrorInfo(ErrorKind.DENIED, "The webserver uses the PRIVATE_ONLY access mode", "x"), role
    )
    text = describe_aws_failure(private)
    assert "private" in text and "VPC" in text and "access denied" not in text
    network = ErrorInfo(ErrorKind.NETWORK, "cannot reach http://x: timed out")
    assert aws_failure(network, role) is network


def test_structlog_lines_read_as_one_line_and_stay_inert() -> None:
    line = json.dumps(
        {
            "timestamp": "2026-11-25T11:40:01.123456Z",
            "level": "error",
            "event": "Task failed with exception\u001b]0;x\u0007",
            "logger": "airflow.task",
            "error_detail": [{"exc_type": "ClientError", "exc_value": "\u001b[2J403"}],
            "chan": "stderr",
        }
    )
    parsed = parse_line(line)
    assert parsed is not None and parsed.level == "ERROR"
    shown = readable(parsed)
    assert shown.startswith("11:40:01.123 ERROR Task failed with exception · logger=airflow.task")
    assert "chan=stderr" in shown and "\x1b" not in shown and "\x07" not in shown
    detail = pretty(line)
    assert detail is not None and detail.count("\n") > 5 and "\x1b" not in detail
    assert parse_line("[2026] {x.py:1} INFO - not json") is None
    assert parse_line('{"no": "event"}') is None and pretty("plain") is None


def test_field_filters() -> None:
    error = json.dumps({"level": "error", "event": "boom", "logger": "airflow.task.operators.S3"})
    info = json.dumps({"level": "info", "event": "fine", "logger": "airflow.processor"})
    text_error = "[2026-11-25T11:40:01.123+0000] {taskinstance.py:1} ERROR - boom"
    levels = compile_field_matcher("level:error")
    assert levels is not None and levels[0] is not None
    assert [levels[0](m) for m in (error, info, text_error)] == [True, False, True]
    loggers = compile_field_matcher("logger:airflow.task")
    assert loggers is not None and loggers[0] is not None
    assert [loggers[0](m) for m in (error, info)] == [True, False]
    bad = compile_field_matcher("level:loud")
    assert bad is not None and bad[0] is None and "unknown level" in bad[1]
    # Not field filters: the plain matcher handles them.
    assert compile_field_matcher("re:a|b") is None and compile_field_matcher("boom") is None
    assert compile_field_matcher("s3://bucket") is None
    url = compile_field_matcher("http:x")
    assert url is not None and url[0] is not None and url[0]("see http:x")
    plain, _ = compile_matcher("boom")
    assert plain is not None and plain(error)


def test_request_budget_is_a_sliding_minute() -> None:
    now = [0.0]
    budget = RequestBudget(3, timer=lambda: now[0])
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    now[0] = 59.9
    assert not budget.take() and budget.used() == 3
    now[0] = 60.1
    assert budget.take() and budget.used() == 1


def test_the_policy_for_a_denied_rest_call_grants_the_viewer_role_only() -> None:
    from mwaa_tui.core.iam import policy_statement

    arn = "arn:aws:airflow:eu-west-1:123456789012:environment/prod"
    statement = policy_statement("airflow:InvokeRestApi", "prod", arn)
    assert statement["Resource"] == "arn:aws:airflow:eu-west-1:123456789012:role/prod/Viewer"
