"""The client layer against the sandbox over real HTTP."""

from __future__ import annotations

import random

import pytest

from mwaa_tui.aws.clients import (
    PARAMETER_RULES,
    READ_ONLY_OPERATIONS,
    AwsError,
    AwsGateway,
    AwsSettings,
    ConfigError,
    ForbiddenOperation,
    configured_endpoint,
)
from mwaa_tui.core.backoff import NETWORK_ATTEMPTS
from mwaa_tui.core.snapshots import ErrorKind
from mwaa_tui.sandbox import Faults, Sandbox
from mwaa_tui.sandbox.server import DEMO_CREDENTIALS


async def test_mutating_call_is_refused_before_it_is_sent(
    sandbox: Sandbox, gateway: AwsGateway
) -> None:
    alarm = dict(
        AlarmName="x",
        MetricName="m",
        Namespace="n",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    with pytest.raises(ForbiddenOperation, match="cloudwatch:PutMetricAlarm"):
        await gateway.call("cloudwatch", "put_metric_alarm", **alarm)
    # The botocore hook refuses even a direct client call that skips `call`.
    client = await gateway.client("cloudwatch")
    with pytest.raises(ForbiddenOperation):
        await client.put_metric_alarm(**alarm)
    with pytest.raises(ForbiddenOperation):
        await (await gateway.client("logs")).delete_log_group(logGroupName="airflow-x-Task")
    with pytest.raises(ForbiddenOperation):
        await gateway.client("s3")
    assert not any(op.startswith(("Put", "Delete")) for _, op in sandbox.requests)


async def test_every_allowed_operation_is_read_only() -> None:
    verbs = ("Get", "List", "Describe", "Filter", "Lookup", "Start", "Stop")
    for service, ops in READ_ONLY_OPERATIONS.items():
        for op in ops:
            if (service, op) in PARAMETER_RULES:  # InvokeRestApi: GETs of read endpoints only
                continue
            assert op.startswith(verbs), (service, op)
            if op.startswith(("Start", "Stop")):
                assert service == "logs" and op in {"StartQuery", "StopQuery", "StartLiveTail"}


async def test_host_prefix_is_off_for_custom_endpoints_and_on_for_aws(sandbox: Sandbox) -> None:
    sandbox.create_environment("prefix-check")
    custom = AwsGateway(
        AwsSettings(
            region="eu-west-1", endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
        ),
        env={},
    )
    async with custom:
        resp = await custom.call("mwaa", "get_environment", Name="prefix-check")
        assert resp["Environment"]["Name"] == "prefix-check"
        assert (await custom.client("mwaa")).meta.config.inject_host_prefix is False
    real = AwsGateway(AwsSettings(region="eu-west-1", static_credentials=DEMO_CREDENTIALS), env={})
    async with real:
        client = await real.client("mwaa")
        assert client.meta.config.inject_host_prefix is True
        assert "amazonaws.com" in client.meta.endpoint_url


async def test_standard_endpoint_variables_are_honoured(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.create_environment("via-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL_MWAA", sandbox.url)
    gw = AwsGateway(AwsSettings(region="eu-west-1", static_credentials=DEMO_CREDENTIALS))
    async with gw:
        resp = await gw.call("mwaa", "list_environments")
        assert resp["Environments"] == ["via-env"]
        assert (await gw.client("mwaa")).meta.config.inject_host_prefix is False
    assert configured_endpoint("logs", None, {"AWS_ENDPOINT_URL": "http://x"}) == "http://x"
    assert (
        configured_endpoint(
            "logs",
            None,
            {"AWS_ENDPOINT_URL": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        )
        is None
    )


async def test_failures_are_classified_counted_and_retried_by_class(
    sandbox: Sandbox, aws_settings: AwsSettings
) -> None:
    gateway = AwsGateway(aws_settings, env={}, throttle_budget=2.0)
    await gateway.open()
    sandbox.faults.deny.add("logs")
    with pytest.raises(AwsError) as denied:
        await gateway.call("logs", "describe_log_groups")
    assert denied.value.kind is ErrorKind.DENIED
    assert denied.value.info.action == "logs:DescribeLogGroups"
    sandbox.faults.deny.clear()
    sandbox.faults.throttle["airflow"] = 1.0
    with pytest.raises(AwsError) as throttled:
        await gateway.call("mwaa", "list_environments")
    assert throttled.value.kind is ErrorKind.THROTTLED
    sandbox.faults.throttle.clear()
    with pytest.raises(AwsError) as missing:
        await gateway.call("mwaa", "get_environment", Name="nope")
    assert missing.value.kind is ErrorKind.NOT_FOUND
    sandbox.faults.drop["cloudtrail"] = 1.0
    with pytest.raises(AwsError) as dropped:
        await gateway.call("cloudtrail", "lookup_events", MaxResults=5)
    assert dropped.value.kind is ErrorKind.NETWORK
    await gateway.close()
    totals = gateway.stats.totals
    # Denied and not found are answers: sent once. A throttle is retried within the budget
    # (about a second apart), a dropped connection a few times quickly.
    assert totals[("DescribeLogGroups", "denied")] == 1
    assert totals[("GetEnvironment", "error")] == 1
    assert 2 <= totals[("ListEnvironments", "throttled")] <= 5
    assert totals[("LookupEvents", "error")] == NETWORK_ATTEMPTS
    pace = {p.operation: p for p in gateway.pacing()}["ListEnvironments"]
    assert pace.paced and pace.throttled_share == 1.0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
async def test_a_throttled_call_is_retried_inside_the_call(
    sandbox: Sandbox, aws_settings: AwsSettings, seed: int
) -> None:
    """At half the calls throttled, every call still answers: no error reaches the caller."""
    sandbox.create_environment("busy")
    sandbox.faults = Faults(throttle={"mwaa": 0.5}, seed=seed)
    gateway = AwsGateway(aws_settings, env={}, rng=random.Random(seed))
    async with gateway:
        for _ in range(8):
            resp = await gateway.call("mwaa", "get_environment", Name="busy")
            assert resp["Environment"]["Name"] == "busy"
    assert gateway.stats.totals[("GetEnvironment", "ok")] == 8
    assert (
        gateway.stats.totals[("GetEnvironment", "throttled")] == sandbox.faults.injected["throttle"]
    )


async def test_refused_endpoint_is_a_network_error() -> None:
    gw = AwsGateway(
        AwsSettings(
            region="eu-west-1",
            endpoint_url="http://127.0.0.1:9",
            static_credentials=DEMO_CREDENTIALS,
        ),
        env={},
    )
    async with gw:
        with pytest.raises(AwsError) as err:
            await gw.call("mwaa", "list_environments")
    assert err.value.kind is ErrorKind.NETWORK
    assert "connection refused" in str(err.value)


async def test_no_region_and_no_credentials_are_config_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    for var in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ConfigError, match="no AWS region"):
        await AwsGateway(AwsSettings()).open()
    with pytest.raises(ConfigError, match="no AWS credentials"):
        await AwsGateway(AwsSettings(region="eu-west-1")).open()
    with pytest.raises(ConfigError, match="profile not found"):
        await AwsGateway(AwsSettings(region="eu-west-1", profile="ghost")).open()
