"""Command line: flags to settings, the preflight checks, and the only place that exits."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mwaa_tui import __version__
from mwaa_tui.aws.clients import AwsError, AwsGateway, AwsSettings, ConfigError
from mwaa_tui.core.environment import parse_environment
from mwaa_tui.core.format import parse_duration
from mwaa_tui.core.snapshots import EnvironmentSnapshot, ErrorKind

PROG = "mwaa-tui"
EXAMPLES = """\
examples:
  mwaa-tui --demo                          a simulated environment on a local sandbox
  mwaa-tui --env dublin-ricsue             monitor an environment (default credential chain)
  mwaa-tui --env prod --region eu-west-1 --profile oncall
  mwaa-tui --env prod --endpoint-url http://127.0.0.1:4566
  mwaa-tui sandbox --port 4566             run the sandbox alone for any AWS client
  mwaa-tui logs --env prod --component Worker --since 1h --filter ERROR
                                           print log lines to stdout (see: mwaa-tui logs -h)

keys: q quit, ? all keys, 1-6 log views, z zoom, r refresh, Tab next pane.
Endpoints can also come from AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>
(MWAA, CLOUDWATCH_LOGS, CLOUDWATCH, CLOUDTRAIL). mwaa-tui only ever calls read-only APIs.
"""


class CliError(Exception):
    """A bad invocation: one line for the user, exit code 2."""


def duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: use a duration like 90s, 10m, 2h") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="A terminal monitor for Amazon MWAA: the environment, a live log tail per "
        "component, metric sparklines, alarms and CloudTrail events on one screen.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--env",
        metavar="NAME",
        help="MWAA environment name; without it, the region's only environment is "
        "used, or you pick one",
    )
    p.add_argument(
        "--region", metavar="R", help="AWS region (default: AWS_REGION or the profile's)"
    )
    p.add_argument("--profile", metavar="P", help="named profile from ~/.aws/config (SSO works)")
    p.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send every call to this endpoint (a VPC endpoint, LocalStack, the sandbox)",
    )
    p.add_argument(
        "--since",
        type=duration,
        default=600.0,
        metavar="DURATION",
        help="how far back the log tail starts (default: 10m)",
    )
    p.add_argument(
        "--buffer-lines",
        type=int,
        default=10_000,
        metavar="N",
        help="lines kept per log pane (default: 10000)",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="extra metric panels, TOML (default: $XDG_CONFIG_HOME/mwaa-tui/config.toml)",
    )
    p.add_argument(
        "--bell",
        action="store_true",
        help="ring the terminal bell when an alarm goes into ALARM",
    )
    p.add_argument(
        "--no-redact",
        action="store_true",
        help="show secrets in logs and events as they are (by default access keys, passwords, "
        "tokens and credentials in URIs are masked on screen and in saved files)",
    )
    p.add_argument(
        "--save-dir",
        type=Path,
        metavar="DIR",
        help="where saved files go (default: $XDG_DATA_HOME/mwaa-tui); files are created 0600 "
        "and never overwrite",
    )
    p.add_argument(
        "--debug-log",
        type=Path,
        metavar="FILE",
        help="write a debug log of every AWS call to FILE (0600; credentials and signatures "
        "are scrubbed)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="start a local sandbox with a simulated environment and monitor it",
    )
    p.add_argument("--seed", type=int, default=7, help="the demo simulation's seed (default: 7)")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


LOGS_EXAMPLES = """\
examples:
  mwaa-tui logs --env prod --since 1h                     every component, last hour, in order
  mwaa-tui logs --env prod -c Worker -c Scheduler --follow
  mwaa-tui logs --env prod -c Task --filter 're:Task failed|Traceback' --fields time,stream
  mwaa-tui logs --env prod --since 2h --json | jq -r 'select(.level=="ERROR") | .message'
  mwaa-tui logs --demo --follow                           the demo environment

Same polling, dedupe, ordering and redaction as the screen. Exits 0 when the reader goes
away (e.g. `| head`), 130 on Ctrl-C.
"""


def build_logs_parser() -> argparse.ArgumentParser:
    from mwaa_tui.core.snapshots import COMPONENTS

    p = argparse.ArgumentParser(
        prog=f"{PROG} logs",
        description="Print an environment's CloudWatch log lines to stdout, oldest first.",
        epilog=LOGS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--env", metavar="NAME", help="MWAA environment (default: the only one)")
    p.add_argument("--region", metavar="R", help="AWS region")
    p.add_argument("--profile", metavar="P", help="named profile from ~/.aws/config")
    p.add_argument("--endpoint-url", metavar="URL", help="send every call to this endpoint")
    p.add_argument(
        "-c",
        "--component",
        action="append",
        choices=[*COMPONENTS, "all"],
        metavar="NAME",
        help=f"{', '.join(COMPONENTS)} or all (repeatable; default: all)",
    )
    p.add_argument("--since", type=duration, default=600.0, metavar="DURATION", help="default: 10m")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument(
        "--filter", default="", metavar="TEXT", help="only lines containing TEXT (or re:PATTERN)"
    )
    p.add_argument(
        "--level",
        choices=["WARNING", "ERROR"],
        help="only lines at this level or above (lines without a level pass)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per event")
    p.add_argument(
        "--fields",
        default="time,component",
        metavar="LIST",
        help="what precedes each message: time, component, stream, comma-separated, "
        "or '' for the bare message (default: time,component)",
    )
    p.add_argument(
        "--interval",
        type=duration,
        default=3.0,
        metavar="DURATION",
        help="seconds between polls with --follow (default: 3s)",
    )
    p.add_argument("--no-redact", action="store_true", help="print secrets as they are")
    p.add_argument("--demo", action="store_true", help="read the demo sandbox's environment")
    p.add_argument("--seed", type=int, default=7, help=argparse.SUPPRESS)
    return p


def build_sandbox_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{PROG} sandbox",
        description="Run the local AWS-compatible sandbox (MWAA, CloudWatch Logs, CloudWatch, "
        "CloudTrail LookupEvents) with a simulated environment, for any AWS client.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default: 127.0.0.1)"
    )
    p.add_argument(
        "--port", type=int, default=4566, help="port (default: 4566; 0 picks a free one)"
    )
    p.add_argument("--env", default="demo", help="simulated environment name (default: demo)")
    p.add_argument("--seed", type=int, default=7, help="simulation seed (default: 7)")
    p.add_argument("--region", default="eu-west-1", help="region (default: eu-west-1)")
    p.add_argument(
        "--throttle",
        action="append",
        default=[],
        metavar="SERVICE=SHARE",
        help="answer a share of calls with throttling, e.g. logs=0.3 (repeatable)",
    )
    p.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="SERVICE",
        help="answer every call to SERVICE with AccessDenied (repeatable)",
    )
    p.add_argument(
        "--expire",
        action="append",
        default=[],
        metavar="SERVICE",
        help="answer every call to SERVICE as if the credentials had expired (repeatable)",
    )
    p.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="SERVICE=SHARE",
        help="drop the connection for a share of calls (repeatable)",
    )
    p.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="add latency to every call"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list[:1] == ["sandbox"]:
            return run_sandbox(build_sandbox_parser().parse_args(args_list[1:]))
        if args_list[:1] == ["logs"]:
            return run_logs(build_logs_parser().parse_args(args_list[1:]))
        return run_monitor(build_parser().parse_args(args_list))
    except (CliError, ConfigError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except AwsError as exc:
        print(f"{PROG}: error: {exc.info.describe()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _import_sandbox() -> Any:
    try:
        import mwaa_tui.sandbox as sandbox
        import mwaa_tui.sandbox.simulator as simulator
    except ImportError as exc:
        raise CliError(
            f"the sandbox needs the demo extra ({exc.name} is missing): "
            "pip install 'mwaa-tui[demo]'"
        ) from None
    return sandbox, simulator


@contextlib.contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[AwsSettings, str | None, Any]]:
    """Where to point: the flags, or with `--demo` an in-process sandbox and simulation,
    started here and stopped on the way out. Yields settings, environment and sandbox."""
    if not args.demo:
        settings = AwsSettings(
            region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
        )
        yield settings, args.env, None
        return
    sandbox_mod, simulator_mod = _import_sandbox()
    from mwaa_tui.sandbox.server import DEMO_CREDENTIALS

    sandbox = sandbox_mod.Sandbox().start()
    try:
        sim = simulator_mod.Simulator(sandbox, environment=args.env or "demo", seed=args.seed)
        sim.setup(time.time())
        stop_simulation = sim.start_thread()
        try:
            settings = AwsSettings(
                region=sandbox.region, endpoint_url=sandbox.url, static_credentials=DEMO_CREDENTIALS
            )
            yield settings, args.env or "demo", sandbox
        finally:
            stop_simulation.set()
    finally:
        sandbox.stop()


def run_logs(args: argparse.Namespace) -> int:
    from mwaa_tui.core.logview import LogFilter, compile_matcher
    from mwaa_tui.core.snapshots import COMPONENTS
    from mwaa_tui.plain import FIELDS, PlainOptions, run_plain

    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise CliError(f"--fields: unknown {', '.join(unknown)}; use {', '.join(FIELDS)}")
    _, problem = compile_matcher(args.filter)
    if problem:
        raise CliError(f"--filter: {problem}")
    wanted = args.component or ["all"]
    components = COMPONENTS if "all" in wanted else tuple(dict.fromkeys(wanted))
    options = PlainOptions(
        components=tuple(components),
        since_seconds=args.since,
        follow=args.follow,
        filter=LogFilter(args.filter, args.level),
        as_json=args.json,
        fields=fields,
        redact=not args.no_redact,
        interval=args.interval,
    )
    with _target(args) as (settings, env_name, _):
        snapshot, choices, region = asyncio.run(preflight(settings, env_name))
        if snapshot is None:
            raise CliError(f"several environments in {region}: pass --env ({', '.join(choices)})")
        code = asyncio.run(run_plain(settings, snapshot, options))
    _quiet_closed_stdout()
    return code


def _quiet_closed_stdout() -> None:
    """After the reader went away, flushing stdout at exit would raise again: point it at
    /dev/null instead."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run_monitor(args: argparse.Namespace) -> int:
    if args.debug_log:
        from mwaa_tui import debuglog

        debuglog.enable(args.debug_log)
    with _target(args) as (settings, env_name, sandbox):
        where = " · sandbox" if sandbox is not None else ""
        note = f"sandbox {sandbox.url}" if sandbox is not None else ""
        extra, alarm_names, config_errors = load_config(args.config)
        snapshot, choices, region = asyncio.run(preflight(settings, env_name))
        if snapshot is not None:
            env_name = snapshot.name
        from mwaa_tui.ui.app import AppConfig, MwaaApp

        app = MwaaApp(
            AppConfig(
                aws=AwsSettings(
                    region=region,
                    profile=settings.profile,
                    endpoint_url=settings.endpoint_url,
                    static_credentials=settings.static_credentials,
                ),
                environment=env_name,
                where=where,
                note=note,
                since_seconds=args.since,
                buffer_lines=args.buffer_lines,
                initial=snapshot,
                choices=tuple(choices),
                redact=not args.no_redact,
                bell=args.bell,
                extra_panels=tuple(extra),
                extra_alarms=tuple(alarm_names),
                config_errors=tuple(config_errors),
                **({"save_dir": args.save_dir} if args.save_dir else {}),
            )
        )
        app.run()
        return app.return_code or 0


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mwaa-tui" / "config.toml"


def load_config(path: Path | None) -> tuple[list[Any], list[str], list[str]]:
    """Extra panels and one message per problem; a missing default file is no problem."""
    import tomllib

    from mwaa_tui.core.config import parse_alarm_names, parse_panels

    explicit = path is not None
    path = path or default_config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if explicit:
            raise CliError(f"config file not found: {path}") from None
        return [], [], []
    except (OSError, UnicodeDecodeError) as exc:
        return [], [], [f"config: cannot read {path}: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return [], [], [f"config: {path} is not valid TOML: {exc}"]
    panels, panel_errors = parse_panels(data)
    names, name_errors = parse_alarm_names(data)
    return panels, names, panel_errors + name_errors


async def preflight(
    settings: AwsSettings, env: str | None
) -> tuple[EnvironmentSnapshot | None, list[str], str]:
    """Check region, credentials, the endpoint and the environment before the screen opens."""
    from mwaa_tui.pollers.environment import list_environments

    async with AwsGateway(settings) as gateway:
        region = gateway.region
        if env:
            try:
                resp = await gateway.call("mwaa", "get_environment", Name=env)
            except AwsError as exc:
                if exc.kind is not ErrorKind.NOT_FOUND:
                    raise
                try:
                    names = await list_environments(gateway)
                except AwsError:
                    names = []
                there = (
                    f"environments there: {', '.join(names)}"
                    if names
                    else "there are no environments there"
                )
                raise CliError(f"environment '{env}' not found in {region}; {there}") from None
            return parse_environment(resp.get("Environment") or {}), [], region
        names = await list_environments(gateway)
        if not names:
            raise CliError(f"no MWAA environments in {region}; pass --env or --region")
        if len(names) == 1:
            resp = await gateway.call("mwaa", "get_environment", Name=names[0])
            return parse_environment(resp.get("Environment") or {}), [], region
        return None, names, region


def run_sandbox(args: argparse.Namespace) -> int:
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise CliError("the sandbox binds to loopback only (127.0.0.1, localhost or ::1)")
    sandbox_mod, simulator_mod = _import_sandbox()
    from mwaa_tui.sandbox.faults import parse_share

    try:
        faults = sandbox_mod.Faults(
            throttle=dict(parse_share(s) for s in args.throttle),
            deny=set(args.deny),
            expire=set(args.expire),
            drop=dict(parse_share(s) for s in args.drop),
            latency=args.latency,
            seed=args.seed,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    sandbox = sandbox_mod.Sandbox(region=args.region)
    try:
        sandbox.start(args.host, args.port)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    sandbox.faults = faults
    sim = simulator_mod.Simulator(sandbox, environment=args.env, seed=args.seed)
    sim.setup(time.time())
    stop = sim.start_thread()
    print(f"sandbox on {sandbox.url}, environment '{args.env}' in {args.region}")
    print("point a client at it:")
    for key, value in sandbox.client_env().items():
        print(f"  export {key}={value}")
    print(f"  {PROG} --env {args.env}")
    print("Ctrl-C stops it.", flush=True)
    try:
        signal.signal(signal.SIGTERM, _raise_interrupt)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        sandbox.stop()
    return 0


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
