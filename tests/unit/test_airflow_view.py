"""What the Airflow pane and the header make of a snapshot: keys, cells, bars, component
health, and what is missing and why."""

from __future__ import annotations

from mwaa_tui.core.airflow_view import (
    airflow_on_screen,
    attempt_of,
    compact_run_id,
    component_lines,
    duration_text,
    failed_tasks_heading,
    listed_runs,
    notes,
    pool_bar,
    problem_for,
    runs_heading,
    short_file,
    task_key,
)
from mwaa_tui.core.snapshots import (
    AirflowProblem,
    AirflowSnapshot,
    ComponentHealth,
    DagRunRow,
    PoolRow,
    TaskInstanceRow,
)
from mwaa_tui.ui.widgets.airflow_health import header_badge, header_health
from mwaa_tui.ui.widgets.airflow_tables import unique_keys

T0 = 1_764_072_000.0


def task(state: str = "failed", try_number: int = 3, map_index: int = 1) -> TaskInstanceRow:
    return TaskInstanceRow(
        dag_id="s3_ingest",
        task_id="wait_for_file",
        run_id="scheduled__2025-11-25T11:59:00+00:00",
        state=state,
        try_number=try_number,
        map_index=map_index,
        operator="S3KeySensor",
        start=T0 - 60,
        end=T0 - 10,
        duration=50.0,
        stream="" if try_number == 0 else "dag_id=s3_ingest/attempt=3.log",
    )


def test_cells_are_short_and_say_what_they_are() -> None:
    assert [duration_text(s) for s in (None, 4.4, 65, 3605, 90000)] == [
        "",
        "4s",
        "1m 05s",
        "1h 00m",
        "1d 1h",
    ]
    assert compact_run_id("scheduled__2025-11-25T11:59:00+00:00") == "sched 11-25 11:59"
    assert compact_run_id("manual__2025-11-25T11:58:54.123+00:00") == "manual 11-25 11:58"
    assert compact_run_id("my custom run") == "my custom run"
    assert short_file("/usr/local/airflow/dags/team/x.py") == "team/x.py"
    assert short_file("/elsewhere/x.py") == "/elsewhere/x.py"


def test_rows_keep_their_keys_and_runs_are_listed_once() -> None:
    # A new try of the same instance replaces its row rather than adding one.
    assert task_key(task(try_number=2)) == task_key(task(try_number=3))
    assert task_key(task(map_index=0)) != task_key(task(map_index=1))
    assert [k for k, _ in unique_keys(["a", "b", "a"], str)] == ["a", "b", "a#2"]
    failed = DagRunRow("d", "r1", "failed")
    running = DagRunRow("d", "r2", "running")
    snap = AirflowSnapshot("2.10.3", failed_runs=(failed,), active_runs=(running, failed))
    assert listed_runs(snap) == [failed, running]
    assert runs_heading(snap) == "Failed runs · 24 h · 1 │ running 0 · queued 0"


def test_a_failed_instance_opens_its_attempt_and_one_that_never_ran_does_not() -> None:
    attempt = attempt_of(task())
    assert attempt is not None
    assert (attempt.stream, attempt.attempt, attempt.map_index) == (
        "dag_id=s3_ingest/attempt=3.log",
        3,
        1,
    )
    assert attempt.task_label == "wait_for_file [1]" and attempt.first_ms == (T0 - 60) * 1000
    assert attempt_of(task("upstream_failed", try_number=0)) is None


def test_a_pool_bar_shows_running_queued_and_free() -> None:
    saturated = PoolRow("s3_sensors", slots=3, running=3, queued=5, open=0)
    bar = pool_bar(saturated, 8)
    assert (bar.running, bar.queued, bar.free, bar.over) == (8, 0, 0, 5)
    assert saturated.saturated
    half = pool_bar(PoolRow("p", slots=4, running=2, queued=1, open=2), 8)
    assert (half.running, half.queued, half.free, half.over) == (4, 2, 2, 0)
    # One running task in 128 slots still shows.
    assert pool_bar(PoolRow("default_pool", slots=128, running=1, open=127), 8).running == 1
    assert pool_bar(PoolRow("any", slots=-1), 8).unlimited


def test_component_health_ages_are_taken_at_the_poll() -> None:
    health = (
        ComponentHealth("metadatabase", "healthy"),
        ComponentHealth("scheduler", "unhealthy", T0 - 71),
        ComponentHealth("triggerer", "healthy", T0 - 2),
        ComponentHealth("dag_processor", ""),  # Airflow 2 on MWAA: no standalone processor
    )
    snap = AirflowSnapshot("2.10.3", fetched_at=T0, health=health)
    lines = component_lines(snap)
    assert [(c.short, c.status, c.age) for c in lines] == [
        ("db", "healthy", ""),
        ("sched", "unhealthy", "1m"),
        ("trig", "healthy", "2s"),
    ]
    assert header_badge(snap).plain.strip() == "✖ scheduler unhealthy 1m"
    assert header_badge(snap, short=True).plain.strip() == "✖ sched 1m"
    assert header_health(snap).plain == "  │ airflow db ● · sched ✖ unhealthy 1m · trig ● 2s"
    healthy = AirflowSnapshot("2.10.3", fetched_at=T0, health=health[:1] + health[2:])
    assert header_badge(healthy).plain == ""
    assert airflow_on_screen(120, 40) and not airflow_on_screen(119, 48)
    assert not airflow_on_screen(160, 39)


def test_the_pane_says_why_something_is_missing() -> None:
    assert notes(None) == [("asking Airflow through InvokeRestApi…", "wait")]
    old = AirflowSnapshot("2.2.2", available=False, note="InvokeRestApi is not available")
    assert notes(old) == [("InvokeRestApi is not available", "warn")]
    denied = AirflowSnapshot("2.10.3", problems=(AirflowProblem("", "access denied: grant"),))
    assert notes(denied) == [
        ("access denied: grant", "error"),
        ("nothing read yet; the lists fill once a request succeeds", "wait"),
    ]
    pools = AirflowProblem("pools", "Airflow answered 503 on /pools", 503)
    runs = AirflowProblem("running and queued runs", "Airflow answered 500 on /dags/~/dagRuns")
    snap = AirflowSnapshot("2.10.3", fetched_at=T0, problems=(pools, runs), truncated=("x",))
    assert notes(snap) == [("cut short: x", "warn")]
    assert problem_for(snap, "pools") is pools and problem_for(snap, "failed runs") is runs
    assert problem_for(snap, "import errors") is None
    tasks = (task(), task("up_for_retry", map_index=2), task("upstream_failed", 0, 3))
    assert failed_tasks_heading(AirflowSnapshot("2", failed_tasks=tasks)) == (
        "Failed tasks · 24 h · 1 failed, 1 up_for_retry, 1 upstream_failed"
    )
