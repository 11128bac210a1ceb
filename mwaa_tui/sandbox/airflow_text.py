"""Airflow-format log lines, as MWAA's components write them."""

from __future__ import annotations

import random
from datetime import UTC, datetime

DAGS = {
    "etl_orders": ("extract", "transform", "load"),
    "s3_ingest": ("wait_for_file", "copy_to_raw", "validate"),
    "reporting_daily": ("build_marts", "refresh_dashboards"),
    "ml_features": ("compute_features", "publish"),
}
OPERATORS = {
    "wait_for_file": "S3KeySensor",
    "extract": "PythonOperator",
    "transform": "PythonOperator",
    "load": "PostgresOperator",
    "copy_to_raw": "S3CopyObjectOperator",
    "validate": "PythonOperator",
    "build_marts": "SQLExecuteQueryOperator",
    "refresh_dashboards": "PythonOperator",
    "compute_features": "PythonOperator",
    "publish": "PythonOperator",
}


def asctime(epoch: float) -> str:
    dt = datetime.fromtimestamp(epoch, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def line(epoch: float, where: str, level: str, message: str) -> str:
    return f"[{asctime(epoch)}] {{{where}}} {level} - {message}"


def run_id(epoch: float) -> str:
    dt = datetime.fromtimestamp(epoch - epoch % 300, UTC)
    return "scheduled__" + dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def task_stream(dag: str, run: str, task: str, attempt: int) -> str:
    # MWAA turns colons into underscores in stream names.
    return f"dag_id={dag}/run_id={run}/task_id={task}/attempt={attempt}.log".replace(":", "_")


def scheduler_line(rng: random.Random, t: float) -> str:
    dag = rng.choice(list(DAGS))
    task = rng.choice(DAGS[dag])
    ri = run_id(t)
    choice = rng.random()
    if choice < 0.35:
        return line(
            t,
            "scheduler_job_runner.py:417",
            "INFO",
            f"Sending TaskInstanceKey(dag_id='{dag}', task_id='{task}', run_id='{ri}', "
            "try_number=1, map_index=-1) to CeleryExecutor with priority 3 and queue default",
        )
    if choice < 0.65:
        return line(
            t,
            "scheduler_job_runner.py:709",
            "INFO",
            f"TaskInstance Finished: dag_id={dag}, task_id={task}, run_id={ri}, "
            f"map_index=-1, run_duration={rng.uniform(0.5, 40):.2f}, state=success",
        )
    if choice < 0.8:
        return line(
            t,
            "dagrun.py:854",
            "INFO",
            f"Marking run <DagRun {dag} @ {ri}: {ri}, state:running> successful",
        )
    if choice < 0.95:
        return line(
            t,
            "base_executor.py:169",
            "INFO",
            f"Adding to queue: ['airflow', 'tasks', 'run', '{dag}', '{task}', '{ri}', '--local']",
        )
    return line(
        t,
        "scheduler_job_runner.py:1892",
        "WARNING",
        "Tasks starving in pool default_pool: 1 task(s) could not be queued",
    )


def dag_processing_lines(rng: random.Random, t: float) -> list[tuple[str, str]]:
    """(stream, line) pairs: the manager's stats, or one DAG file's parse."""
    if rng.random() < 0.3:
        rows = [
            "DAG File Processing Stats",
            "",
            "File Path                          PID  Runtime    # DAGs    # Errors  Last Runtime",
        ]
        for dag in DAGS:
            rows.append(
                f"/usr/local/airflow/dags/{dag}.py          0           1         0  "
                f"{rng.uniform(0.4, 2.5):.2f}s"
            )
        return [("dag_processor_manager.log", line(t, "manager.py:997", "INFO", "\n".join(rows)))]
    dag = rng.choice(list(DAGS))
    stream = f"scheduler_{dag}.py.log"
    if rng.random() < 0.08:
        return [
            (
                stream,
                line(
                    t,
                    "processor.py:186",
                    "WARNING",
                    f"DAG {dag} has no tags; consider adding some for the UI filter",
                ),
            )
        ]
    return [
        (
            stream,
            line(
                t,
                "processor.py:161",
                "INFO",
                f"Started process (PID={rng.randint(2000, 9000)}) to work on "
                f"/usr/local/airflow/dags/{dag}.py",
            ),
        )
    ]


def webserver_line(rng: random.Random, t: float) -> str:
    ip = f"10.0.{rng.randint(10, 60)}.{rng.randint(2, 250)}"
    when = datetime.fromtimestamp(t, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    if rng.random() < 0.7:
        return f'{ip} - - [{when}] "GET /health HTTP/1.1" 200 283 "-" "ELB-HealthChecker/2.0"'
    path = rng.choice(
        ["/home", "/dags/etl_orders/grid", "/api/v1/dags?limit=100", "/log?dag_id=s3_ingest"]
    )
    return (
        f'{ip} - - [{when}] "GET {path} HTTP/1.1" 200 {rng.randint(900, 90000)} "-" "Mozilla/5.0"'
    )


def task_lines(
    rng: random.Random, dag: str, task: str, attempt: int, failing: bool, t: float
) -> list[tuple[str, str]]:
    """The (level, message) lines of one task attempt, in order."""
    op = OPERATORS[task]
    out = [
        (
            "INFO",
            f"Dependencies all met for dep_context=non-requeueable deps ti=<TaskInstance: {dag}.{task}>",
        ),
        ("INFO", f"Starting attempt {attempt} of 3"),
        ("INFO", f"Executing <Task({op}): {task}> on {datetime.fromtimestamp(t, UTC):%Y-%m-%d}"),
        ("INFO", "Running: ['airflow', 'tasks', 'run', '--raw', '--subdir', 'DAGS_FOLDER']"),
    ]
    if failing:
        out += [
            ("INFO", "Poking for key : s3://acme-landing-prod/orders/2026/incoming.csv"),
            (
                "ERROR",
                "Task failed with exception\nTraceback (most recent call last):\n"
                '  File "/usr/local/airflow/.local/lib/python3.11/site-packages/airflow/sensors/base.py", line 265, in execute\n'
                "    poke_return = self.poke(context)\n"
                "botocore.exceptions.ClientError: An error occurred (403) when calling the HeadObject "
                "operation: Forbidden",
            ),
            (
                "INFO",
                f"Marking task as {'UP_FOR_RETRY' if attempt < 3 else 'FAILED'}. dag_id={dag}, task_id={task}",
            ),
        ]
    else:
        for _ in range(rng.randint(1, 4)):
            out.append(
                (
                    "INFO",
                    rng.choice(
                        [
                            "Fetched 12,408 rows from source",
                            "Wrote 3 partitions to s3://acme-lake-prod/curated/",
                            "Using connection ID 'aws_default' for task execution.",
                            "Done. Returned value was: None",
                            "password=******** masked by secrets backend",
                        ]
                    ),
                )
            )
        if rng.random() < 0.1:
            out.append(("WARNING", "Deprecated parameter 'provide_context' ignored"))
        out.append(("INFO", f"Marking task as SUCCESS. dag_id={dag}, task_id={task}"))
    return out


def worker_line(t: float, dag: str, task: str, ok: bool, key: str) -> str:
    if ok:
        return line(
            t,
            "celery_executor_utils.py:146",
            "INFO",
            f"[{key}] Executing command in Celery: ['airflow', 'tasks', 'run', '{dag}', '{task}']",
        )
    return line(
        t,
        "celery_executor_utils.py:177",
        "ERROR",
        f"[{key}] execute_command encountered a CalledProcessError: task {dag}.{task} exited 1",
    )
