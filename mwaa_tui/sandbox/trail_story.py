"""The CloudTrail side of the simulated environment: who calls the MWAA API, and the denial."""

from __future__ import annotations

import random
import uuid
import zlib
from typing import Any

from mwaa_tui.sandbox.evaluator import naive_utc
from mwaa_tui.sandbox.server import Sandbox

INCIDENT = (120.0, 270.0)
"""Seconds into each cycle when the sensor starts and stops failing."""


class TrailStory:
    """CloudTrail events for `Simulator`, which provides the sandbox, seed and story clock."""

    sandbox: Sandbox
    env: str
    rng: random.Random

    def phase(self, t: float) -> float:
        raise NotImplementedError

    def failing(self, t: float) -> bool:
        raise NotImplementedError

    def _trail(
        self,
        t: float,
        name: str,
        identity: dict[str, Any],
        *,
        ip: str,
        agent: str,
        error: tuple[str, str] | None = None,
        read_only: bool = False,
        params: dict[str, Any] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        r = rng or self.rng
        event_id = str(uuid.UUID(int=r.getrandbits(128)))
        account = self.sandbox.account
        detail: dict[str, Any] = {
            "eventVersion": "1.08",
            "userIdentity": identity,
            "eventTime": naive_utc(t).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "airflow.amazonaws.com",
            "eventName": name,
            "awsRegion": self.sandbox.region,
            "sourceIPAddress": ip,
            "userAgent": agent,
            "requestParameters": params if params is not None else {"Name": self.env},
            "responseElements": None,
            "requestID": str(uuid.UUID(int=r.getrandbits(128))),
            "eventID": event_id,
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "eventCategory": "Management",
            "recipientAccountId": account,
        }
        if error:
            detail["errorCode"], detail["errorMessage"] = error
        arn = identity.get("arn", "")
        user = arn.rsplit("/", 1)[-1] if arn else ""
        self.sandbox.trail.add_raw(
            event_id=event_id,
            event_name=name,
            event_time=t,
            detail=detail,
            username=user,
            read_only=read_only,
            resource_name=self.env,
            access_key_id=identity.get("accessKeyId", ""),
        )

    def _role(self, role: str, session: str, rng: random.Random | None = None) -> dict[str, Any]:
        account = self.sandbox.account
        return {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE{zlib.crc32(role.encode()) % 10**6:06d}:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
            "accountId": account,
            "accessKeyId": "ASIAEXAMPLE" + f"{(rng or self.rng).getrandbits(36):09X}",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": f"arn:aws:iam::{account}:role/{role}",
                    "accountId": account,
                    "userName": role,
                },
                "attributes": {"mfaAuthenticated": "false"},
            },
        }

    def _tick_trail(self, t: float) -> None:
        r = self.rng
        browser = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0 Safari/537.36"
        )
        if r.random() < 1 / 45:
            self._trail(
                t,
                "CreateWebLoginToken",
                self._role("AWSReservedSSO_DataEngineer_5f1c2a", "alice@example.com"),
                ip="203.0.113.24",
                agent=browser,
            )
        if r.random() < 1 / 70:
            self._trail(
                t,
                "CreateCliToken",
                self._role("ci-deployer", "github-actions"),
                ip="198.51.100.7",
                agent="aws-cli/2.22.4 Python/3.12.6 Linux/6.8 exe/x86_64",
            )
        if r.random() < 1 / 120:
            self._trail(
                t,
                "InvokeRestApi",
                self._role("ops-automation", "runbook"),
                ip="198.51.100.19",
                agent="Boto3/1.35.60 Python/3.12.6 Linux/6.8 Botocore/1.35.60",
                params={"Name": self.env, "Method": "GET", "Path": "/dags"},
            )
        phase = self.phase(t)
        lambda_agent = (
            "Boto3/1.16.63 Python/3.7.9 Linux/4.14.209-112.339.amzn2.x86_64 "
            "exec-env/AWS_Lambda_python3.7 Botocore/1.19.63"
        )
        if INCIDENT[0] + 40 <= phase < INCIDENT[1] and int(phase) % 25 == 0:
            account = self.sandbox.account
            self._trail(
                t,
                "CreateCliToken",
                self._role("triggerMwaaDAGRole", "triggerMwaaDAG"),
                ip="52.48.12.201",
                agent=lambda_agent,
                error=(
                    "AccessDenied",
                    f"User: arn:aws:sts::{account}:assumed-role/triggerMwaaDAGRole/triggerMwaaDAG "
                    f"is not authorized to perform: airflow:CreateCliToken on resource: "
                    f"arn:aws:airflow:{self.sandbox.region}:{account}:environment/{self.env}",
                ),
            )
        if int(phase) == int(INCIDENT[1]) + 5:
            self._trail(
                t,
                "CreateCliToken",
                self._role("triggerMwaaDAGRole", "triggerMwaaDAG"),
                ip="52.48.12.201",
                agent=lambda_agent,
            )

    def _backfill_trail(self, start: float, end: float) -> None:
        t = start
        while t < end:
            self._tick_trail(t)
            t += 1.0


def hostile_trail_event(sim: TrailStory, t: float) -> None:
    """An event whose fields carry escape sequences and markup (for tests and rehearsal)."""
    sim._trail(
        t,
        "InvokeRestApi",
        sim._role("[bold red]evil[/]", "\x1b]0;pwned\x07session"),
        ip="203.0.113.66",
        agent="curl/8.5 \x1b[2J\x1b[31m[link=https://evil.example]click[/link]",
        params={"Name": sim.env, "Path": "\x1b[6n/dags", "[b]key[/b]": "\x9b31m"},
    )
