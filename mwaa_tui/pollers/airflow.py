"""Airflow's own view through MWAA's InvokeRestApi: one `AirflowSnapshot` every 30 s.

Each poll reads, with GETs only (the client layer refuses anything else):
- the health endpoint (`/health` on Airflow 2, `/monitor/health` on Airflow 3);
- failed DAG runs of the last 24 h, then running and queued runs (their counts from
  `total_entries`);
- failed, up_for_retry and upstream_failed task instances of the last 24 h, one state per
  request (a list in `QueryParameters` is not something every MWAA version is known to
  pass on);
- import errors and pools.

Paths use Airflow's `~` wildcards with query parameters (`/dags/~/dagRuns/~/taskInstances`),
so no path comes near InvokeRestApi's 64 characters whatever the DAG and run ids. Lists are
paged with `limit` and `offset` up to a cap, and the poller keeps to a budget of requests
per minute: a poll that would exceed it skips the rest, marked as truncated.

Failures are shown, never fatal. An Airflow-side 4xx or 5xx (`RestApiClientException`,
`RestApiServerException`) costs only its list, which keeps its previous rows with the
status said in `problems`. A failure before Airflow answers (denied, a private webserver,
the network) ends the poll: the snapshot with the previous rows and the reason is emitted
after the health update, and the poll backs off like any other source.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from mwaa_tui.aws.clients import AwsError, AwsGateway
from mwaa_tui.core.airflow import (
    airflow_problem,
    api_version,
    aws_failure,
    describe_aws_failure,
    health_path,
    is_airflow_side,
    iso,
    newest_first,
    parse_dag_runs,
    parse_health,
    parse_import_errors,
    parse_pools,
    parse_task_instances,
    rest_api_available,
    task_order_supported,
    total_entries,
    unavailable_note,
    viewer_role_arn,
)
from mwaa_tui.core.snapshots import (
    AirflowProblem,
    AirflowSnapshot,
    EnvironmentSnapshot,
    Update,
)
from mwaa_tui.pollers.base import Emit, Poller

INTERVAL = 30.0
BUDGET_PER_MINUTE = 40
"""InvokeRestApi requests a minute at most; a poll takes 9 when every list fits a page."""
PAGE_LIMIT = 100
"""Airflow's default `maximum_page_limit`."""
MAX_PAGES = 3
"""Pages per list: the newest 300 rows."""
WINDOW = 86400.0
FAILED_TASK_STATES = ("failed", "up_for_retry", "upstream_failed")
RUNS = "/dags/~/dagRuns"
TASK_INSTANCES = "/dags/~/dagRuns/~/taskInstances"


class OverBudget(Exception):
    """The next request would exceed the budget of requests per minute."""


class RequestBudget:
    """At most `per_minute` requests in any 60 s."""

    def __init__(self, per_minute: int, timer: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._timer = timer
        self._sent: deque[float] = deque()

    def _trim(self) -> float:
        now = self._timer()
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        return now

    def take(self) -> bool:
        now = self._trim()
        if len(self._sent) >= self.per_minute:
            return False
        self._sent.append(now)
        return True

    def used(self) -> int:
        """Requests in the last minute."""
        self._trim()
        return len(self._sent)


class AirflowPoller(Poller):
    source = "airflow"

    def __init__(
        self,
        gateway: AwsGateway,
        environment: EnvironmentSnapshot,
        *,
        interval: float = INTERVAL,
        budget: RequestBudget | None = None,
        redact: bool = True,
        page_limit: int = PAGE_LIMIT,
        max_pages: int = MAX_PAGES,
        window: float = WINDOW,
        **kwargs: Any,
    ) -> None:
        super().__init__(gateway, interval=interval, **kwargs)
        self.environment = environment
        self.budget = budget or RequestBudget(BUDGET_PER_MINUTE)
        self.redact = redact
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.window = window
        self.last: AirflowSnapshot | None = None
        """The latest snapshot: what a list that fails this time keeps showing."""
        self._failed_snapshot: AirflowSnapshot | None = None
        self._requests = 0
        self._truncated: list[str] = []

    def update_environment(self, environment: EnvironmentSnapshot) -> None:
        """A newer GetEnvironment (an upgrade changes the API version)."""
        self.environment = environment

    async def step(self, emit: Emit) -> float:
        delay = await super().step(emit)
        failed, self._failed_snapshot = self._failed_snapshot, None
        if failed is not None:
            emit(failed)  # after the health update: the pane shows rows and reason together
        return delay

    async def poll(self) -> Sequence[Update]:
        env = self.environment
        version = env.airflow_version
        now = self.clock()
        if not rest_api_available(version):
            return [
                AirflowSnapshot(
                    version, available=False, note=unavailable_note(version), fetched_at=now
                )
            ]
        self._requests = 0
        self._truncated = []
        previous = self.last or AirflowSnapshot(version, api=api_version(version))
        fields: dict[str, Any] = {}
        problems: list[AirflowProblem] = []
        sections = self._sections(version, now)
        # The first list alone: denied or a private webserver then costs one request. The
        # rest side by side: on a throttled account, one after another they took a retry
        # each and the pane waited for all of them in turn.
        first = await asyncio.gather(sections[0][2](), return_exceptions=True)
        if isinstance(first[0], AwsError) and not is_airflow_side(first[0].code):
            rest: list[Any] = [None] * (len(sections) - 1)  # not sent
        else:
            rest = await asyncio.gather(
                *(read() for _, _, read in sections[1:]), return_exceptions=True
            )
        results = [*first, *rest]
        failure: AwsError | None = None
        for (section, path, _), result in zip(sections, results, strict=True):
            if isinstance(result, OverBudget):
                self._truncated.append(f"{section} (request budget)")
            elif isinstance(result, AwsError):
                if is_airflow_side(result.code):
                    problems.append(airflow_problem(section, path, result.fields))
                elif failure is None:
                    failure = result
            elif isinstance(result, BaseException):
                raise result
            elif result is not None:
                fields.update(result)
        if failure is not None:
            info = aws_failure(failure.info, viewer_role_arn(env.arn, env.name))
            problems.append(AirflowProblem("", describe_aws_failure(info)))
            self._failed_snapshot = self._snapshot(previous, fields, problems, None)
            raise AwsError(info, failure.code, fields=failure.fields) from None
        snapshot = self._snapshot(previous, fields, problems, now)
        self.last = snapshot
        return [snapshot]

    def _snapshot(
        self,
        previous: AirflowSnapshot,
        fields: Mapping[str, Any],
        problems: list[AirflowProblem],
        now: float | None,
    ) -> AirflowSnapshot:
        version = self.environment.airflow_version
        return replace(
            previous,
            airflow_version=version,
            api=api_version(version),
            available=True,
            note="",
            fetched_at=previous.fetched_at if now is None else now,
            problems=tuple(problems),
            requests=self._requests,
            truncated=tuple(self._truncated),
            **fields,
        )

    def _sections(
        self, version: str, now: float
    ) -> list[tuple[str, str, Callable[[], Awaitable[dict[str, Any]]]]]:
        """(list, path, read) in the order they matter to whoever is on call."""
        since = iso(now - self.window)
        run_query = {"state": "failed", "start_date_gte": since, "order_by": "-start_date"}

        async def health() -> dict[str, Any]:
            return {"health": tuple(parse_health(await self._get(health_path(version), {})))}

        async def failed_runs() -> dict[str, Any]:
            items, _ = await self._list(RUNS, run_query, "dag_runs")
            runs = parse_dag_runs({"dag_runs": items})
            runs.sort(key=lambda r: r.start or r.end or 0.0, reverse=True)
            return {"failed_runs": tuple(runs)}

        async def failed_tasks() -> dict[str, Any]:
            rows = []
            for state in FAILED_TASK_STATES:
                query = {"state": state, "start_date_gte": since}
                if task_order_supported(version):
                    query["order_by"] = "-start_date"
                items, _ = await self._list(TASK_INSTANCES, query, "task_instances")
                rows += parse_task_instances({"task_instances": items}, version)
            return {"failed_tasks": tuple(newest_first(rows))}

        async def import_errors() -> dict[str, Any]:
            items, _ = await self._list("/importErrors", {}, "import_errors")
            payload = {"import_errors": items}
            return {
                "import_errors": tuple(parse_import_errors(payload, redact_secrets=self.redact))
            }

        async def pools() -> dict[str, Any]:
            items, _ = await self._list("/pools", {}, "pools")
            return {"pools": tuple(parse_pools({"pools": items}))}

        async def active_runs() -> dict[str, Any]:
            found: dict[str, Any] = {}
            rows = []
            for state in ("running", "queued"):
                query = {"state": state, "order_by": "-start_date"}
                payload = await self._get(RUNS, {**query, "limit": self.page_limit})
                rows += parse_dag_runs(payload)
                count = total_entries(payload)
                found[f"{state}_count"] = count if count is not None else len(rows)
            return {**found, "active_runs": tuple(rows)}

        return [
            ("health", health_path(version), health),
            ("failed runs", RUNS, failed_runs),
            ("failed tasks", TASK_INSTANCES, failed_tasks),
            ("import errors", "/importErrors", import_errors),
            ("pools", "/pools", pools),
            ("running and queued runs", RUNS, active_runs),
        ]

    async def _get(self, path: str, query: Mapping[str, Any]) -> Any:
        """One GET through InvokeRestApi, within the budget; Airflow's JSON answer."""
        if not self.budget.take():
            raise OverBudget
        self._requests += 1
        resp = await self.gateway.call(
            "mwaa",
            "invoke_rest_api",
            Name=self.environment.name,
            Path=path,
            Method="GET",
            QueryParameters=dict(query),
        )
        return resp.get("RestApiResponse")

    async def _list(
        self, path: str, query: Mapping[str, Any], key: str
    ) -> tuple[list[Any], int | None]:
        """Every page of a list (`limit`/`offset`) up to the cap: its items and total."""
        items: list[Any] = []
        total: int | None = None
        for page in range(self.max_pages):
            payload = await self._get(
                path, {**query, "limit": self.page_limit, "offset": page * self.page_limit}
            )
            got = payload.get(key) if isinstance(payload, Mapping) else None
            chunk = got if isinstance(got, list) else []
            items += chunk
            total = total_entries(payload)
            done = len(chunk) < self.page_limit or (total is not None and len(items) >= total)
            if done:
                return items, total
        self._truncated.append(f"{key} (first {len(items)})")
        return items, total
