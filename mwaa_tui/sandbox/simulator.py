"""A lively, seeded MWAA environment that plays an incident on a loop.

Logs and metrics here; CloudTrail in `trail_story.py`.

The story: all is well; an S3 sensor starts failing, OperatorFailures climbs and
its alarm fires; a Lambda's CreateCliToken is AccessDenied; the policy is fixed,
failures stop and the alarm returns to OK. Then a deployment updates the environment
with a requirements.txt pip cannot install: UPDATING, then UPDATE_FAILED (restored and
usable, LastUpdate FAILED with the error) until a corrected update brings it back to
AVAILABLE. Then it starts again.
"""

from __future__ import annotations

import math
import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.cloudwatch.models import MetricAggregatedDatum
from moto.logs.models import LogStream

from mwaa_tui.core.airflow import is_airflow3
from mwaa_tui.sandbox import airflow_text as text
from mwaa_tui.sandbox.airflow_api import structlog_line
from mwaa_tui.sandbox.evaluator import naive_utc
from mwaa_tui.sandbox.server import Sandbox
from mwaa_tui.sandbox.stores import REQUIREMENTS_VERSION
from mwaa_tui.sandbox.trail_story import INCIDENT, TrailStory

MWAA = "AmazonMWAA"
AWS_MWAA = "AWS/MWAA"
HOST = "ip-10-0-12-34.eu-west-1.compute.internal"
CYCLE = 420.0
FAILED_UPDATE = 345.0
"""Phase at which the update that fails starts: after the incident (INCIDENT ends at 270
and its alarm is OK again about a minute later), ending before the next one."""
UPDATE_SECONDS = 40
"""How long each update stays UPDATING."""
FAILED_SECONDS = 60
"""How long the environment stays UPDATE_FAILED before the corrected update starts."""
REQUIREMENTS_LOG = (
    "Collecting apache-airflow-providers-snowflake==5.8.0 (from -r "
    "/usr/local/airflow/requirements/requirements.txt (line 3))",
    "  Downloading apache_airflow_providers_snowflake-5.8.0-py3-none-any.whl.metadata (7.4 kB)",
    "Collecting snowflake-connector-python==3.0.0 (from -r "
    "/usr/local/airflow/requirements/requirements.txt (line 4))",
    "  Downloading snowflake_connector_python-3.0.0.tar.gz (1.2 MB)",
    "INFO: pip is looking at multiple versions of apache-airflow-providers-snowflake to "
    "determine which version is compatible with other requirements. This could take a while.",
    "ERROR: Cannot install apache-airflow-providers-snowflake==5.8.0 and "
    "snowflake-connector-python==3.0.0 because these package versions have conflicting "
    "dependencies.",
    "The conflict is caused by:",
    "    The user requested snowflake-connector-python==3.0.0",
    "    apache-airflow-providers-snowflake 5.8.0 depends on snowflake-connector-python>=3.10.1",
    "ERROR: ResolutionImpossible: for help visit "
    "https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts",
)
"""What pip writes on a new worker while the failing update installs requirements."""
LOG_KEEP_SECONDS = 20 * 60
METRIC_KEEP_SECONDS = 3 * 3600
SENSOR_DAG = "s3_ingest"
SENSOR_TASK = "wait_for_file"
SENSOR_FILES = ("orders", "customers", "payments")
"""The sensor is mapped over these landing prefixes: one task instance (map index) each.
Three instances of three tries fail 9 times in a minute, above the alarm's 5."""
SENSOR_START = 2
"""Seconds into its minute when the DAG's run starts the first instance."""
SENSOR_STAGGER = 3
"""Seconds between the instances' first tries."""
SENSOR_RETRY = 15
"""Seconds from one try's start to the next (a failed try lasts 7 of them): all three tries
of every instance end within their run's minute, so a minute inside the incident counts 9."""
SENSOR_TRIES = 3


@dataclass
class Attempt:
    dag: str
    task: str
    run: str
    attempt: int
    lines: list[tuple[str, str]]
    failing: bool
    key: str = field(default_factory=lambda: "")
    map_index: int | None = None

    @property
    def stream(self) -> str:
        """The attempt's stream in the Task group, with `map_index=M/` for a mapped task."""
        name = text.task_stream(self.dag, self.run, self.task, self.attempt)
        if self.map_index is None:
            return name
        return name.replace("/attempt=", f"/map_index={self.map_index}/attempt=")


class Simulator(TrailStory):
    """Drives logs, metrics, alarms and CloudTrail events into a sandbox.

    Time advances in whole-second ticks from the start, so a seed and a start
    time give the same data every run.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        environment: str = "demo",
        seed: int = 7,
        story_offset: float = 90.0,
        lifecycle: bool = True,
        airflow_version: str | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.env = environment
        self.airflow_version = airflow_version
        """The environment's AirflowVersion (None: the store's default). On 3.x the task
        logs are JSON lines and InvokeRestApi answers with API v2 shapes."""
        self.airflow = sandbox.airflow.state(environment, seed)
        """What InvokeRestApi shows: runs and task instances follow the attempts here."""
        self.rng = random.Random(seed)
        self.lifecycle = lifecycle
        """Whether the failed update plays; off, the environment keeps the status it is given."""
        self._lifecycle_rng = random.Random(f"{seed}-lifecycle")
        """The updates' own randomness, so turning them off leaves the rest of the story as is."""
        self._live_from = 0.0
        """Updates play only after set-up: the backfilled minutes leave the state alone."""
        self.story_offset = story_offset
        self.t = 0.0
        self.origin = 0.0
        self.attempts: list[Attempt] = []
        self._tries: dict[tuple[str, str, str], int] = {}
        """Attempts started per (DAG, run, task): stream names must stay unique."""
        self._failed: dict[tuple[str, str, str], bool] = {}
        self._minute: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[int, Any]] = {}
        self._streams: dict[tuple[str, str], LogStream] = {}
        self._boot = 0
        self._last_trim = 0.0
        self._backfilling = False
        """While the start-up history is made: metrics only, no log lines."""

    # -- set-up ------------------------------------------------------------------------------

    def phase(self, t: float) -> float:
        return (t - self.origin + self.story_offset) % CYCLE

    def failing(self, t: float) -> bool:
        return INCIDENT[0] <= self.phase(t) < INCIDENT[1]

    def setup(self, now: float, *, history: float = 3600.0) -> None:
        """Create the environment and its alarms, and backfill some history."""
        self.origin = float(int(now))
        self._live_from = self.origin
        self._boot = int(now) - 86400
        self.sandbox.create_environment(self.env, created_at=now - 86400 * 40)
        if self.airflow_version:
            self.sandbox.mwaa.environments[self.env].airflow_version = self.airflow_version
        self.sandbox.mwaa.environments[self.env].last_update = {
            "Status": "SUCCESS",
            "CreatedAt": now - 86400 * 2,
            "Source": "SYSTEM",
            "WorkerReplacementStrategy": "GRACEFUL",
        }
        with self.sandbox.lock:
            self._create_alarms()
            self._backfill_metrics(now - history, now - 120)
        self._backfill_trail(now - 3 * 3600, now - 120)
        self.t = float(int(now)) - 120
        self.advance(now)
        self.sandbox.put_composite_alarm(
            f"{self.env}-Incident",
            f'ALARM("{self.env}-S3KeySensor-OperatorFailures") OR '
            f'ALARM("{self.env}-SchedulerHeartbeat")',
        )
        self.sandbox.put_composite_alarm("staging-Incident", 'ALARM("staging-SchedulerHeartbeat")')
        with self.sandbox.lock:
            self.sandbox.evaluator.evaluate(now)
            self.sandbox.evaluate_composites(now)

    def _create_alarms(self) -> None:
        cw = self.sandbox.cloudwatch
        env = self.env

        def alarm(
            name: str,
            ns: str,
            metric: str,
            dims: dict[str, str],
            stat: str,
            op: str,
            threshold: float,
            periods: int = 1,
            missing: str = "missing",
            description: str = "",
        ) -> None:
            cw.put_metric_alarm(
                name=name,
                namespace=ns,
                metric_name=metric,
                metric_data_queries=None,
                comparison_operator=op,
                evaluation_periods=periods,
                datapoints_to_alarm=periods,
                period=60,
                threshold=threshold,
                statistic=stat,
                extended_statistic=None,
                description=description,
                dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
                alarm_actions=[],
                ok_actions=[],
                insufficient_data_actions=[],
                unit=None,
                actions_enabled=True,
                treat_missing_data=missing,
                evaluate_low_sample_count_percentile=None,
                threshold_metric_id=None,
                rule=None,
                tags=[],
            )

        alarm(
            f"{env}-S3KeySensor-OperatorFailures",
            MWAA,
            "OperatorFailures",
            {"Environment": env, "Operator": "S3KeySensor"},
            "Sum",
            "GreaterThanThreshold",
            5,
            description="S3 sensor failing more than 5 times a minute",
        )
        alarm(
            f"{env}-SchedulerHeartbeat",
            MWAA,
            "SchedulerHeartbeat",
            {"Environment": env, "Function": "Scheduler"},
            "Sum",
            "LessThanThreshold",
            1,
            periods=2,
            missing="breaching",
        )
        alarm(
            f"{env}-BaseWorker-CPU",
            AWS_MWAA,
            "CPUUtilization",
            {"Environment": env, "Cluster": "BaseWorker"},
            "Average",
            "GreaterThanThreshold",
            95,
            periods=3,
        )
        alarm(
            f"{env}-OldestQueuedTask",
            AWS_MWAA,
            "ApproximateAgeOfOldestTask",
            {"Environment": env},
            "Maximum",
            "GreaterThanThreshold",
            1800,
            periods=3,
        )
        alarm(
            f"{env}-ImportErrors",
            MWAA,
            "ImportErrors",
            {"Environment": env, "Function": "DAG Processing"},
            "Maximum",
            "GreaterThanThreshold",
            0,
        )
        # Another environment's alarm in the same account: must not show.
        alarm(
            "staging-SchedulerHeartbeat",
            MWAA,
            "SchedulerHeartbeat",
            {"Environment": "staging", "Function": "Scheduler"},
            "Sum",
            "LessThanThreshold",
            1,
            missing="breaching",
        )

    # -- metrics -----------------------------------------------------------------------------

    def _gauges(self, t: float) -> list[tuple[str, str, dict[str, str], float]]:
        fail = self.failing(t)
        wave = math.sin(t / 240.0)
        r = self.rng
        queued = (6 + 4 * wave if fail else 1 + wave) + r.uniform(0, 1.5)
        running = 5 + 2 * wave + r.uniform(0, 2)
        g = [
            (
                MWAA,
                "SchedulerLoopDuration",
                {"Function": "Scheduler"},
                850 + 120 * wave + r.uniform(0, 60),
            ),
            (
                MWAA,
                "TasksStarving",
                {"Function": "Scheduler"},
                1.0 if fail and r.random() < 0.4 else 0.0,
            ),
            (MWAA, "TasksExecutable", {"Function": "Scheduler"}, max(0.0, queued - 1)),
            (
                MWAA,
                "TotalParseTime",
                {"Function": "DAG Processing"},
                2.4 + 0.3 * wave + r.uniform(0, 0.2),
            ),
            (MWAA, "DagBagSize", {"Function": "DAG Processing"}, 4.0),
            (MWAA, "ImportErrors", {"Function": "DAG Processing"}, 0.0),
            (MWAA, "QueuedTasks", {"Function": "Executor"}, queued),
            (MWAA, "RunningTasks", {"Function": "Executor"}, running),
            (MWAA, "OpenSlots", {"Function": "Executor"}, 20 - running),
            (MWAA, "PoolRunningSlots", {"Pool": "default_pool"}, running),
            (MWAA, "PoolQueuedSlots", {"Pool": "default_pool"}, queued),
            (MWAA, "PoolStarvingTasks", {"Pool": "default_pool"}, 0.0),
            (AWS_MWAA, "ApproximateAgeOfOldestTask", {}, (90 if fail else 8) + r.uniform(0, 10)),
            (
                AWS_MWAA,
                "CPUUtilization",
                {"DatabaseRole": "WRITER"},
                11 + 3 * wave + r.uniform(0, 2),
            ),
            (AWS_MWAA, "DatabaseConnections", {"DatabaseRole": "WRITER"}, 38 + r.randint(0, 6)),
            (
                AWS_MWAA,
                "FreeableMemory",
                {"DatabaseRole": "WRITER"},
                1.3e9 - 5e7 * wave + r.uniform(0, 2e7),
            ),
        ]
        return g

    def _containers(self, t: float) -> None:
        """One sample per container and minute, as MWAA reports them: the SampleCount of a
        cluster's CPUUtilization is its number of containers (the worker count)."""
        fail = self.failing(t)
        wave = math.sin(t / 240.0)
        r = self.rng
        clusters = {
            "BaseWorker": (1, (62 if fail else 34) + 8 * wave, 58 + 5 * wave),
            "Scheduler": (2, 21 + 4 * wave, 44.0),
            "WebServer": (2, 9.0, 37.0),
        }
        if fail:
            clusters["AdditionalWorker"] = (2, 55 + 6 * wave, 51.0)
        for cluster, (count, cpu, memory) in clusters.items():
            for _ in range(count):
                self._observe(
                    AWS_MWAA, "CPUUtilization", {"Cluster": cluster}, t, cpu + r.uniform(0, 6)
                )
                self._observe(
                    AWS_MWAA, "MemoryUtilization", {"Cluster": cluster}, t, memory + r.uniform(0, 2)
                )
        for dag, seconds in (
            ("etl_orders.py", 1.6),
            ("s3_ingest.py", 1.1),
            ("reporting_daily.py", 0.7),
            ("ml_features.py", 0.8),
        ):
            self._observe(
                MWAA,
                "DAGFileProcessingLastDuration",
                {"DAG Filename": dag},
                t,
                seconds + r.uniform(0, 0.3),
            )

    def _counters(self) -> list[tuple[str, str, dict[str, str]]]:
        """Counters that report every minute, zero or not, so their alarms have data."""
        return [
            (MWAA, "SchedulerHeartbeat", {"Function": "Scheduler"}),
            (MWAA, "OperatorFailures", {"Operator": "S3KeySensor"}),
            (MWAA, "OperatorFailures", {"Operator": "PythonOperator"}),
            (MWAA, "OperatorSuccesses", {"Operator": "S3KeySensor"}),
            (MWAA, "OperatorSuccesses", {"Operator": "PythonOperator"}),
            (MWAA, "TaskInstanceFailures", {"DAG": "All", "Task": "All"}),
            (MWAA, "TaskInstanceSuccesses", {"DAG": "All", "Task": "All"}),
            (MWAA, "ZombiesKilled", {"DAG": "All", "Task": "All"}),
        ]

    def _datum(self, ns: str, name: str, dims: dict[str, str], t: float) -> Any:
        """The current minute's aggregated datum for a series, created on first use."""
        full = tuple(sorted({"Environment": self.env, **dims}.items()))
        key = (ns, name, full)
        minute = int(t) // 60 * 60
        held = self._minute.get(key)
        if held and held[0] == minute:
            return held[1]
        datum = MetricAggregatedDatum(
            namespace=ns,
            name=name,
            min_stat=0.0,
            max_stat=0.0,
            sample_count=0.0,
            sum_stat=0.0,
            dimensions=[{"Name": k, "Value": v} for k, v in full],
            timestamp=naive_utc(minute),
            unit=None,
        )
        datum.min = float("inf")
        datum.max = float("-inf")
        self.sandbox.cloudwatch.metric_data.append(datum)
        self._minute[key] = (minute, datum)
        return datum

    def _observe(self, ns: str, name: str, dims: dict[str, str], t: float, value: float) -> None:
        d = self._datum(ns, name, dims, t)
        d.sum += value
        d.sample_count += 1
        d.min = min(d.min, value)
        d.max = max(d.max, value)

    def _count(self, ns: str, name: str, dims: dict[str, str], t: float, n: float = 1.0) -> None:
        d = self._datum(ns, name, dims, t)
        if d.sample_count == 0:
            d.min = d.max = 0.0
        d.sum += n
        d.sample_count = max(1.0, d.sample_count)
        d.max = max(d.max, n)

    def _backfill_metrics(self, start: float, end: float) -> None:
        """The history before start-up, from the live generator (task attempts and all) with
        its log lines left out, so old peaks are the live ones."""
        t = float(int(start) // 60 * 60)
        self._backfilling = True
        try:
            while t + 1 <= end:
                t += 1
                self._tick_logs(t)
                self._tick_metrics(t)
        finally:
            self._backfilling = False
            # Their first lines were never written: live streams start at an attempt's head.
            self.attempts = []

    # -- logs --------------------------------------------------------------------------------

    def _stream(self, component: str, name: str) -> LogStream:
        env = self.sandbox.mwaa.environments.get(self.env)
        if env is None:
            raise KeyError(self.env)
        group_name = env.group_name(component)
        key = (group_name, name)
        stream = self._streams.get(key)
        if stream is None:
            group = self.sandbox.logs.groups.get(group_name)
            if group is None:
                raise KeyError(group_name)
            if name not in group.streams:
                group.create_log_stream(name)
            stream = group.streams[name]
            self._streams[key] = stream
        return stream

    def _log(self, component: str, stream: str, t: float, message: str) -> None:
        if self._backfilling:
            return
        env = self.sandbox.mwaa.environments.get(self.env)
        if env is None:  # deleted: nothing runs any more
            return
        cfg = env.logging.get(component)
        if cfg is None or not cfg.enabled:
            return
        try:
            s = self._stream(component, stream)
        except KeyError:
            return
        # The stream-level call skips moto's 14-day window, so fixed clocks work in tests.
        s.put_log_events([{"timestamp": int(t * 1000), "message": message}])

    def _tick_logs(self, t: float) -> None:
        r = self.rng
        sched = f"scheduler_{HOST}_{self._boot}.log"
        for _ in range(r.choice((0, 1, 1, 2, 3))):
            self._log("Scheduler", sched, t + r.random() * 0.9, text.scheduler_line(r, t))
        if r.random() < 0.5:
            for stream, ln in text.dag_processing_lines(r, t):
                self._log("DAGProcessing", stream, t, ln)
        if r.random() < 0.35:
            self._log(
                "WebServer", f"webserver_{HOST}_{self._boot}.log", t, text.webserver_line(r, t)
            )
        if r.random() < 0.25:
            self._start_attempt(t, False)
        self._tick_sensor(t)
        still = []
        for a in self.attempts:
            level, message = a.lines.pop(0)
            self._log(
                "Task",
                a.stream,
                t,
                self._task_line(t, level, message, a.task),
            )
            if not a.lines:
                self._finish_attempt(a, t)
            else:
                still.append(a)
        self.attempts = still

    def _start_attempt(self, t: float, failing: bool) -> None:
        """Maybe an attempt of another DAG's task (the sensor has its own schedule)."""
        r = self.rng
        dag = r.choice([d for d in text.DAGS if d != SENSOR_DAG])
        task = r.choice(text.DAGS[dag])
        fails = failing and task == SENSOR_TASK
        run = text.run_id(t)
        key = (dag, run, task)
        tries = self._tries.get(key, 0)
        # One attempt at a time per task instance; a success, or a third failure, ends it.
        if tries >= 3 or any((a.dag, a.run, a.task) == key for a in self.attempts):
            return
        if tries and not self._failed.get(key, False):
            return
        if len(self._tries) > 500:
            self._tries = {k: v for k, v in self._tries.items() if k[1] == run}
            self._failed = {k: v for k, v in self._failed.items() if k[1] == run}
        attempt = tries + 1
        self._tries[key] = attempt
        self._failed[key] = fails
        a = Attempt(
            dag,
            task,
            run,
            attempt,
            text.task_lines(r, dag, task, attempt, fails, t),
            fails,
            key=str(uuid.UUID(int=r.getrandbits(128))),
        )
        self.attempts.append(a)
        self._log(
            "Worker",
            f"worker_{HOST}_{self._boot}.log",
            t,
            text.worker_line(t, dag, task, True, a.key),
        )

    def sensor_tries(self, t: float) -> list[tuple[int, int, bool]]:
        """The sensor's tries that start in second `t`: (map index, try, fails).

        Its DAG runs every minute, but only during the incident (as before the fix nothing
        ran it). A try fails while the incident lasts and a failed one is retried; after the
        fix the retry succeeds. Pure in `t`, so the backfill and the live story agree."""
        second = int(t)
        minute = second // 60 * 60
        due = []
        for index in range(len(SENSOR_FILES)):
            start = minute + SENSOR_START + SENSOR_STAGGER * index
            for attempt in range(1, SENSOR_TRIES + 1):
                if start > second:
                    break
                fails = self.failing(start)
                if attempt == 1 and not fails:
                    break
                if start == second:
                    due.append((index, attempt, fails))
                if not fails:
                    break
                start += SENSOR_RETRY
        return due

    def _tick_sensor(self, t: float) -> None:
        for index, attempt, fails in self.sensor_tries(t):
            minute = int(t) // 60 * 60
            run = "scheduled__" + datetime.fromtimestamp(minute, UTC).strftime(
                "%Y-%m-%dT%H:%M:%S+00:00"
            )
            prefix = f"/{SENSOR_FILES[index]}/"
            lines = [
                (level, message.replace("/orders/", prefix))
                for level, message in text.task_lines(
                    self.rng, SENSOR_DAG, SENSOR_TASK, attempt, fails, t
                )
            ]
            a = Attempt(
                SENSOR_DAG,
                SENSOR_TASK,
                run,
                attempt,
                lines,
                fails,
                key=str(uuid.UUID(int=self.rng.getrandbits(128))),
                map_index=index,
            )
            self.attempts.append(a)
            self._log(
                "Worker",
                f"worker_{HOST}_{self._boot}.log",
                t,
                text.worker_line(t, SENSOR_DAG, SENSOR_TASK, True, a.key),
            )

    def _finish_attempt(self, a: Attempt, t: float) -> None:
        op = text.OPERATORS[a.task]
        if a.failing:
            self._count(MWAA, "OperatorFailures", {"Operator": op}, t)
            self._count(MWAA, "TaskInstanceFailures", {"DAG": "All", "Task": "All"}, t)
            self._log(
                "Worker",
                f"worker_{HOST}_{self._boot}.log",
                t,
                text.worker_line(t, a.dag, a.task, False, a.key),
            )
        else:
            self._count(MWAA, "TaskInstanceSuccesses", {"DAG": "All", "Task": "All"}, t)
            if op in ("S3KeySensor", "PythonOperator"):
                self._count(MWAA, "OperatorSuccesses", {"Operator": op}, t)

    # -- environment lifecycle ---------------------------------------------------------------

    def _tick_lifecycle(self, t: float) -> None:
        """The update that fails, and the corrected one: once per cycle, by the clock."""
        if not self.lifecycle or t <= self._live_from or self.sandbox.mwaa.get(self.env) is None:
            return
        step = int((self.phase(t) - FAILED_UPDATE) % CYCLE)  # since the failing update began
        pip_from = 6
        failed_at = UPDATE_SECONDS
        fix_at = failed_at + FAILED_SECONDS
        if step == 0:
            self.sandbox.set_environment_state(self.env, "UPDATING", at=t)
            self._update_event(t, REQUIREMENTS_VERSION)
        elif pip_from <= step < pip_from + len(REQUIREMENTS_LOG):
            line = REQUIREMENTS_LOG[step - pip_from]
            self._log("Worker", f"requirements_install_{HOST}", t, line)
        elif step == failed_at:
            self.sandbox.set_environment_state(self.env, "UPDATE_FAILED", at=t)
        elif step == fix_at:
            self.sandbox.set_environment_state(self.env, "UPDATING", at=t)
            self._update_event(t, "Bq0pW1F2nXk6oZ8cY3uT.fVv9dR4eHsLm")
        elif step == fix_at + UPDATE_SECONDS:
            self.sandbox.set_environment_state(self.env, "AVAILABLE", update_status="SUCCESS", at=t)

    def _update_event(self, t: float, requirements_version: str) -> None:
        r = self._lifecycle_rng
        self._trail(
            t,
            "UpdateEnvironment",
            self._role("ci-deployer", "github-actions", rng=r),
            ip="198.51.100.7",
            agent="aws-cli/2.22.4 Python/3.12.6 Linux/6.8 exe/x86_64",
            params={
                "Name": self.env,
                "RequirementsS3Path": "requirements.txt",
                "RequirementsS3ObjectVersion": requirements_version,
            },
            rng=r,
        )

    # -- time --------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Generate everything up to `now`, one second at a time."""
        while self.t + 1 <= now:
            self.t += 1
            t = self.t
            with self.sandbox.lock:
                self._tick_logs(t)
                self.airflow.observe(self.attempts, t, self.phase(t))
                self._tick_metrics(t)
                self._tick_lifecycle(t)
            self._tick_trail(t)
        if now - self._last_trim > 60:
            self._last_trim = now
            self.trim(now)

    def _tick_metrics(self, t: float) -> None:
        if int(t) % 60 == 0:
            self._containers(t)
        if int(t) % 5 == 0:
            for ns, name, dims, value in self._gauges(t):
                self._observe(ns, name, dims, t, value)
            for ns, name, dims in self._counters():
                self._count(ns, name, dims, t, 0.0)
            self._count(MWAA, "SchedulerHeartbeat", {"Function": "Scheduler"}, t)

    def trim(self, now: float) -> None:
        """Keep moto's lists short: its scans are linear."""
        log_horizon = int((now - LOG_KEEP_SECONDS) * 1000)
        metric_horizon = naive_utc(now - METRIC_KEEP_SECONDS)
        with self.sandbox.lock:
            for group in self.sandbox.logs.groups.values():
                for name in list(group.streams):
                    stream = group.streams[name]
                    stream.events = [e for e in stream.events if e.timestamp >= log_horizon]
                    if not stream.events and name.startswith("dag_id="):
                        del group.streams[name]
                        self._streams.pop((group.name, name), None)
            cw = self.sandbox.cloudwatch
            cw.metric_data = [d for d in cw.metric_data if d.timestamp >= metric_horizon]
        self.sandbox.trail.trim(now - 90 * 86400)

    def run(self, stop: threading.Event, clock: Any, tick: float = 1.0) -> None:
        while not stop.wait(tick):
            self.advance(clock())

    def start_thread(self) -> threading.Event:
        stop = threading.Event()
        threading.Thread(
            target=self.run, args=(stop, self.sandbox.clock), name="sandbox-simulator", daemon=True
        ).start()
        return stop

    def _task_line(self, t: float, level: str, message: str, task: str) -> str:
        """A task log line: Airflow 3 writes JSON (structlog), Airflow 2 text."""
        if is_airflow3(self.airflow_version or ""):
            return structlog_line(t, level, message, task)
        return text.line(t, "taskinstance.py:2612", level, message)
