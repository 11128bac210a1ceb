"""Command line: flags to settings, the preflight checks, and the only place that exits."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar
from urllib.parse import urlsplit

from mwaa_tui import __version__
from mwaa_tui.aws.clients import ENDPOINT_ENV, AwsError, AwsGateway, AwsSettings, ConfigError
from mwaa_tui.core.airflow import airflow_version
from mwaa_tui.core.environment import EnvironmentWithoutName, parse_environment
from mwaa_tui.core.format import parse_duration
from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.core.snapshots import EnvironmentSnapshot, ErrorInfo, ErrorKind

if TYPE_CHECKING:
    from mwaa_tui.settings import FileSettings

PROG = "mwaa-tui"
USAGE = """\
%(prog)s [--env NAME] [options]    the monitor, on a terminal
       %(prog)s logs [options]            log lines on stdout (%(prog)s logs -h)
       %(prog)s sandbox [options]         the local endpoint alone (%(prog)s sandbox -h)
       %(prog)s report FILE [options]     an incident report of a recording (%(prog)s report -h)
       %(prog)s replay FILE               play a recording on the same screen, offline"""
EXAMPLES = """\
examples:
  mwaa-tui --demo                          a simulated environment on a local sandbox
  mwaa-tui --env dublin-ricsue             monitor an environment (default credential chain)
  mwaa-tui --env prod --region eu-west-1 --profile oncall
  mwaa-tui --env prod --endpoint-url http://127.0.0.1:4566
  mwaa-tui sandbox --port 4566             run the sandbox alone for any AWS client
  mwaa-tui logs --env prod --component Worker --since 1h --filter ERROR
                                           print log lines to stdout (see: mwaa-tui logs -h)
  mwaa-tui --env prod --record incident.sqlite
                                           monitor and record; then, with no credentials:
  mwaa-tui replay incident.sqlite          the same screen as it was (Space, ] [, @ seek)
  mwaa-tui report incident.sqlite --from 14:05 -o INC-1234.md

keys: q quit, ? all keys, 1-6 log views, z zoom, r refresh, Tab next pane.
Endpoints can also come from AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>
(MWAA, CLOUDWATCH_LOGS, CLOUDWATCH, CLOUDTRAIL). mwaa-tui only ever calls read-only APIs.
"""


T = TypeVar("T")


class CliError(Exception):
    """A bad invocation: one line for the user, exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one line for a bad flag instead of the usage block: the message goes
    through main's one way out, which sanitises it (an argument can hold escapes)."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)")


def duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is {exc}: use a duration like 90s, 10m, 2h, up to 90d"
        ) from None


BUFFER_LINES = (100, 1_000_000)


def buffer_lines(text: str) -> int:
    low, high = BUFFER_LINES
    try:
        lines = int(text)
    except ValueError:
        lines = low - 1
    if not low <= lines <= high:
        raise argparse.ArgumentTypeError(f"{text!r}: use a number of lines from {low} to {high}")
    return lines


def record_path(text: str) -> Path:
    """A recording's path, refused at the edge if it exists or its directory does not."""
    from mwaa_tui.capture.recorder import check_new_recording

    path = Path(text)
    problem = check_new_recording(path)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return path


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint (it needs http or https and a host), or None."""
    if not url.isprintable() or any(c.isspace() for c in url):
        return "is not a URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "has a bad port"
    if parts.scheme not in ("http", "https"):
        return "needs http:// or https://"
    if not parts.hostname:
        return "has no host"
    return None


def endpoint_url(text: str) -> str:
    problem = endpoint_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f"{text!r} {problem}, e.g. http://127.0.0.1:4566")
    return text


ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL", *ENDPOINT_ENV.values())


def check_endpoint_variables(env: Mapping[str, str]) -> None:
    """The AWS_ENDPOINT_URL* variables botocore would use, held to the flag's rule."""
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return
    for name in ENDPOINT_VARIABLES:
        value = env.get(name)
        problem = endpoint_problem(value) if value else None
        if problem:
            raise CliError(f"{name}={value!r} {problem}, e.g. http://127.0.0.1:4566")


def has_terminal() -> bool:
    """Both ends of the screen are a terminal (not a pipe, a file or a cron job's nothing)."""
    try:
        return all(s is not None and s.isatty() for s in (sys.stdin, sys.stdout))
    except ValueError:  # a closed stream
        return False


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=PROG,
        usage=USAGE,
        description="A terminal monitor for Amazon MWAA: the environment, a live log tail per\n"
        "component, metric sparklines, alarms and CloudTrail events on one screen.\n"
        "Subcommands: `logs` prints log lines on stdout instead (for a pipe or a cron job),\n"
        "`sandbox` runs the local AWS-compatible endpoint alone.",
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
        type=endpoint_url,
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
        type=buffer_lines,
        default=10_000,
        metavar="N",
        help="lines kept per log pane, 100 to 1000000 (default: 10000)",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="settings, TOML: extra metric panels, alarms to list, [intervals], [keys] "
        "(default: $XDG_CONFIG_HOME/mwaa-tui/config.toml)",
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
        "--record",
        type=record_path,
        metavar="FILE",
        help="record everything the monitor receives to FILE, a new SQLite file (0600, never "
        "overwrites; redacted like the screen), for `mwaa-tui replay` and `mwaa-tui report`",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="start a local sandbox with a simulated environment and monitor it",
    )
    p.add_argument("--seed", type=int, default=7, help="the demo simulation's seed (default: 7)")
    p.add_argument(
        "--airflow-version",
        type=airflow_version,
        metavar="X.Y.Z",
        help="the demo environment's Airflow version (default: 2.10.3); 3.x writes JSON task "
        "logs and answers the Airflow REST API with v2 shapes",
    )
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

    p = Parser(
        prog=f"{PROG} logs",
        description="Print an environment's CloudWatch log lines to stdout, oldest first.",
        epilog=LOGS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--env", metavar="NAME", help="MWAA environment (default: the only one)")
    p.add_argument("--region", metavar="R", help="AWS region")
    p.add_argument("--profile", metavar="P", help="named profile from ~/.aws/config")
    p.add_argument(
        "--endpoint-url", type=endpoint_url, metavar="URL", help="send every call to this endpoint"
    )
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
        help="only lines at this level or above; a line without a level (a traceback's "
        "continuation) goes with the last levelled line of its stream",
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
        metavar="DURATION",
        help="seconds between polls with --follow (default: the config file's [intervals] "
        "logs, else 3s, as on the screen)",
    )
    p.add_argument("--no-redact", action="store_true", help="print secrets as they are")
    p.add_argument("--demo", action="store_true", help="read the demo sandbox's environment")
    p.add_argument("--seed", type=int, default=7, help=argparse.SUPPRESS)
    p.add_argument("--airflow-version", type=airflow_version, help=argparse.SUPPRESS)
    return p


def build_sandbox_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{PROG} sandbox",
        description="Run the local AWS-compatible sandbox (MWAA, CloudWatch Logs, CloudWatch, "
        "CloudTrail LookupEvents) with a simulated environment, for any AWS client.",
        epilog="""\
examples:
  mwaa-tui sandbox --throttle all=0.3      throttle 30% of the calls to every service
  mwaa-tui sandbox --outage 30@60          after 60 s, stop listening for 30 s
  mwaa-tui sandbox --outage 20@30 --outage-every 120
  mwaa-tui sandbox --state UPDATE_FAILED   the environment's last update failed
  mwaa-tui sandbox --state DELETED         GetEnvironment answers ResourceNotFoundException

SERVICE is mwaa, logs, cloudwatch, cloudtrail or all. Other AWS clients (boto3, the AWS
CLI) need AWS_DISABLE_HOST_PREFIX_INJECTION=true: MWAA's api./env. host prefixes break
a custom endpoint. The banner prints every variable to export.
""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default: 127.0.0.1)"
    )
    p.add_argument(
        "--port", type=int, default=4566, help="port (default: 4566; 0 picks a free one)"
    )
    p.add_argument("--env", default="demo", help="simulated environment name (default: demo)")
    p.add_argument("--seed", type=int, default=7, help="simulation seed (default: 7)")
    p.add_argument(
        "--airflow-version",
        type=airflow_version,
        metavar="X.Y.Z",
        help="the environment's Airflow version (default: 2.10.3); 3.x: JSON task logs, "
        "REST API v2 (/monitor/health)",
    )
    p.add_argument("--region", default="eu-west-1", help="region (default: eu-west-1)")
    p.add_argument(
        "--throttle",
        action="append",
        default=[],
        metavar="SERVICE=SHARE",
        help="answer a share of calls with throttling, e.g. logs=0.3, or all=0.5 for every "
        "service (repeatable)",
    )
    p.add_argument(
        "--deny",
        action="append",
        default=[],
        metavar="SERVICE",
        help="answer every call to SERVICE (or all) with AccessDenied (repeatable)",
    )
    p.add_argument(
        "--expire",
        action="append",
        default=[],
        metavar="SERVICE",
        help="answer every call to SERVICE (or all) as if the credentials had expired (repeatable)",
    )
    p.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="SERVICE=SHARE",
        help="drop the connection for a share of calls, e.g. logs=0.1 or all=0.1 (repeatable)",
    )
    p.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="add latency to every call"
    )
    p.add_argument(
        "--outage",
        metavar="SECONDS@AFTER",
        help="stop listening for SECONDS, AFTER seconds after start-up, then come back on the "
        "same port: connections are refused and open ones cut meanwhile; e.g. 30@60 (units "
        "work too: 2m@90s)",
    )
    p.add_argument(
        "--outage-every",
        type=duration,
        metavar="DURATION",
        help="repeat the --outage every DURATION, start to start (e.g. 5m)",
    )
    p.add_argument(
        "--state",
        type=str.upper,
        metavar="STATUS",
        help="start the environment in this GetEnvironment status, and keep it: CREATING, "
        "UPDATING, UPDATE_FAILED, DELETING, UNAVAILABLE, ROLLING_BACK, MAINTENANCE, ... or "
        "DELETED (deleted after start-up: GetEnvironment answers ResourceNotFoundException). "
        "Without it, the story includes a failed update every cycle",
    )
    return p


REPORT_EXAMPLES = """\
examples:
  mwaa-tui report incident.sqlite                        the whole recording, Markdown on stdout
  mwaa-tui report incident.sqlite --from 14:05 --to 14:40 -o INC-1234.md
  mwaa-tui report incident.sqlite --from 30m --json      the last 30 minutes, as JSON

TIME is HH:MM[:SS] (UTC, on the recording's day), an ISO 8601 time such as
2025-11-25T14:05:00Z, or a duration before the recording's end such as 30m. The report
needs no credentials and makes no AWS call. Secrets are masked as they were on screen.
"""


def build_report_parser() -> argparse.ArgumentParser:
    from mwaa_tui.core.timeline import TIME_HELP

    p = Parser(
        prog=f"{PROG} report",
        description="Write an incident report of a recording (made with --record or R): "
        "the alarm changes and CloudTrail errors, the bookmarks, the ERROR and WARNING lines "
        "per component, the metric panels and the monitor's own API calls and cost.",
        epilog=REPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the recording")
    p.add_argument("--from", dest="since", metavar="TIME", help=f"start of the window: {TIME_HELP}")
    p.add_argument("--to", dest="until", metavar="TIME", help="end of the window (same forms)")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="write to OUT, a new file (0600, never overwrites) instead of stdout",
    )
    p.add_argument("--json", action="store_true", help="one JSON document instead of Markdown")
    return p


REPLAY_KEYS = """\
keys: Space pause/play, > < speed (1x, 10x, 60x), ] [ next/previous marker (alarm change,
CloudTrail error, bookmark, ERROR lines), @ go to a time, m bookmark, ' bookmarks, q quit.
Every key of the live screen works on what has been replayed so far; those that would
call AWS (older CloudTrail pages, task logs, Insights, alarm history, backfill) say so.
"""


def build_replay_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=f"{PROG} replay",
        description="Play a recording (made with --record or R) on the monitor's own screen, "
        "from its start at 1x, as it was. Needs no credentials and makes no AWS call. Without "
        "a terminal (or with --summary) it prints what the recording holds instead.",
        epilog=REPLAY_KEYS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the recording")
    p.add_argument(
        "--summary",
        action="store_true",
        help="print the environment, the span, what the recording holds and its markers",
    )
    p.add_argument(
        "--buffer-lines",
        type=buffer_lines,
        default=10_000,
        metavar="N",
        help="log lines kept per view, as live (default 10000)",
    )
    return p


def _open_recording(path: Path) -> Any:
    from mwaa_tui.capture import Recording, RecordingError

    try:
        return Recording.open(path)
    except RecordingError as exc:
        raise CliError(str(exc)) from None


def run_report(args: argparse.Namespace) -> int:
    import sqlite3

    from mwaa_tui.capture.reader import Damaged
    from mwaa_tui.capture.recorder import check_new_recording, write_private
    from mwaa_tui.core.report import build_report, markdown, to_json
    from mwaa_tui.core.timeline import window

    if args.output is not None:
        problem = check_new_recording(args.output)
        if problem:
            raise CliError(f"-o: {problem.replace('a recording', 'a report')}")
    with _open_recording(args.file) as recording:
        try:
            lo, hi = window(recording.start, recording.end, args.since, args.until)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        try:
            doc = build_report(recording.report_input(lo, hi))
        except (sqlite3.Error, Damaged) as exc:
            raise CliError(f"{args.file} is damaged: {exc}") from None
        damaged = recording.damaged
    text = to_json(doc) if args.json else markdown(doc)
    if damaged:
        print(f"{PROG}: warning: {sanitize(damaged)}", file=sys.stderr)
    if args.output is None:
        with contextlib.suppress(BrokenPipeError):  # `| head` is a reader going away
            sys.stdout.write(text)
        _quiet_closed_stdout()
        return 0
    try:
        write_private(args.output, text)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"report written to {sanitize(args.output)}", file=sys.stderr)
    return 0


def run_replay(args: argparse.Namespace) -> int:
    with _open_recording(args.file) as recording:
        if not args.summary and has_terminal():
            return _replay_on_screen(recording, args.buffer_lines)
        lines = recording.summary()
    lines.append(
        f"(on a terminal `{PROG} replay FILE` plays it on the screen; "
        f"`{PROG} report FILE` writes the report)"
    )
    with contextlib.suppress(BrokenPipeError):
        print("\n".join(lines))
    _quiet_closed_stdout()
    return 0


def _replay_on_screen(recording: Any, lines: int) -> int:
    """The monitor's screen, with the recording where the pollers would be: no settings,
    no credentials, no gateway."""
    from mwaa_tui.ui.app import AppConfig, MwaaApp
    from mwaa_tui.ui.terminal import watchdog as exit_watchdog

    app = MwaaApp(
        AppConfig(
            aws=AwsSettings(region=recording.region or None),
            environment=recording.environment or None,
            initial=recording.first_environment(),
            buffer_lines=lines,
            redact=recording.redacted,
            replay=recording,
        )
    )
    app.run()
    if exit_watchdog.armed:
        exit_watchdog.restart(app.return_code or 0)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list[:1] == ["sandbox"]:
            parser = _one_line_errors(build_sandbox_parser())
            return run_sandbox(parser.parse_args(args_list[1:]))
        if args_list[:1] == ["logs"]:
            return run_logs(build_logs_parser().parse_args(args_list[1:]))
        if args_list[:1] == ["report"]:
            return run_report(build_report_parser().parse_args(args_list[1:]))
        if args_list[:1] == ["replay"]:
            return run_replay(build_replay_parser().parse_args(args_list[1:]))
        return run_monitor(build_parser().parse_args(args_list))
    except (CliError, ConfigError) as exc:
        return _fail(str(exc))
    except AwsError as exc:
        return _fail(exc.info.describe())
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    """The one way an error reaches the user: one sanitised line on stderr, exit code 2."""
    print(f"{PROG}: error: {sanitize(message)}", file=sys.stderr)
    return 2


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The same one-line errors for a parser built as a plain ArgumentParser."""
    parser.__class__ = Parser  # Parser adds no state, only its `error`
    return parser


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
        if not args.endpoint_url:
            check_endpoint_variables(os.environ)
        settings = AwsSettings(
            region=args.region, profile=args.profile, endpoint_url=args.endpoint_url
        )
        yield settings, args.env, None
        return
    sandbox_mod, simulator_mod = _import_sandbox()
    from mwaa_tui.sandbox.server import DEMO_CREDENTIALS

    sandbox = sandbox_mod.Sandbox().start()
    try:
        sim = simulator_mod.Simulator(
            sandbox,
            environment=args.env or "demo",
            seed=args.seed,
            airflow_version=args.airflow_version,
        )
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
    from mwaa_tui.plain import FIELDS, run_plain
    from mwaa_tui.settings import PlainOptions

    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise CliError(f"--fields: unknown {', '.join(unknown)}; use {', '.join(FIELDS)}")
    _, problem = compile_matcher(args.filter)
    if problem:
        raise CliError(f"--filter: {problem}")
    wanted = args.component or ["all"]
    components = COMPONENTS if "all" in wanted else tuple(dict.fromkeys(wanted))
    file = load_config(None)  # the screen's settings: its log interval, one note per bad entry
    for problem in file.errors:
        print(f"mwaa-tui: {sanitize(problem)}", file=sys.stderr)
    options = PlainOptions(
        components=tuple(components),
        since_seconds=args.since,
        follow=args.follow,
        filter=LogFilter(args.filter, args.level),
        as_json=args.json,
        fields=fields,
        redact=not args.no_redact,
        interval=args.interval or file.intervals.logs,
    )
    with _target(args) as (settings, env_name, _):
        snapshot, choices, region = _run(preflight(settings, env_name))
        if snapshot is None:
            raise CliError(f"several environments in {region}: pass --env ({', '.join(choices)})")
        # The streams of now, not of when plain.py was imported.
        code = _run(run_plain(settings, snapshot, options, out=sys.stdout, err=sys.stderr))
    _quiet_closed_stdout()
    return code


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, without a "never awaited" warning when Ctrl-C lands before it starts."""
    try:
        return asyncio.run(coro)
    finally:
        coro.close()


def _quiet_closed_stdout() -> None:
    """After the reader went away, flushing stdout at exit would raise again: point it at
    /dev/null instead."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


RECORD_FIELD = "record_path"
"""The `AppConfig` field that takes `--record FILE`."""


def record_option(path: Path | None) -> dict[str, Any]:
    """`--record FILE` as AppConfig keyword arguments; refused while the app has no field to
    take it, rather than monitoring without recording."""
    if path is None:
        return {}
    import dataclasses

    from mwaa_tui.settings import AppConfig

    if RECORD_FIELD not in {f.name for f in dataclasses.fields(AppConfig)}:
        raise CliError("--record: this version's screen cannot record yet (nothing would be saved)")
    return {RECORD_FIELD: path}


def run_monitor(args: argparse.Namespace) -> int:
    # Before any sandbox or network work: a pipe or a cron job gets one line, not a hang.
    if not has_terminal():
        raise CliError(
            "the monitor needs a terminal (stdin and stdout); "
            "for a pipe or a cron job use `mwaa-tui logs`"
        )
    if args.debug_log:
        from mwaa_tui import debuglog

        try:
            debuglog.enable(args.debug_log)
        except OSError as exc:
            raise CliError(f"--debug-log: cannot write {args.debug_log}: {exc.strerror}") from None
    recording = record_option(args.record)
    with _target(args) as (settings, env_name, sandbox):
        where = " · sandbox" if sandbox is not None else ""
        note = f"sandbox {sandbox.url}" if sandbox is not None else ""
        file = load_config(args.config)
        snapshot, choices, region = _run(preflight(settings, env_name))
        if snapshot is not None:
            env_name = snapshot.name
        from mwaa_tui.settings import AppConfig
        from mwaa_tui.ui.app import MwaaApp
        from mwaa_tui.ui.terminal import watchdog as exit_watchdog

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
                intervals=file.intervals,
                keymap=file.keymap,
                extra_panels=file.panels,
                extra_alarms=file.alarms,
                config_errors=file.errors,
                **({"save_dir": args.save_dir} if args.save_dir else {}),
                **recording,
            )
        )
        app.run()
        if exit_watchdog.armed:
            # The screen has let go of the terminal: stopping the sandbox and the interpreter's
            # own exit get a fresh grace period, then the process ends regardless.
            exit_watchdog.restart(app.return_code or 0)
        return app.return_code or 0


def load_config(path: Path | None) -> FileSettings:
    """The config file's settings (see mwaa_tui/settings.py); a named file that does not
    exist is a bad invocation."""
    from mwaa_tui.settings import ConfigFileMissing, load_file

    try:
        return load_file(path)
    except ConfigFileMissing as exc:
        raise CliError(str(exc)) from None


STARTUP_BUDGET = 30.0
"""Seconds the start-up keeps retrying throttling and network errors before giving up."""
RETRY_PAUSE = (0.5, 1.0)
"""The jittered pause between start-up attempts, in seconds: as inside a call (core/backoff)."""
RETRIED = frozenset({ErrorKind.THROTTLED, ErrorKind.NETWORK})
"""Denied, expired and not found will not change in 30 seconds: no retry."""


def retry_note(info: ErrorInfo, left: float) -> str:
    what = f"throttled on {info.action}" if info.kind is ErrorKind.THROTTLED else info.message
    return f"retrying… {what} ({math.ceil(max(0.0, left))} s left)"


def give_up_message(info: ErrorInfo, budget: float) -> str:
    if info.kind is ErrorKind.THROTTLED:
        return (
            f"still throttled on {info.action} after {budget:.0f} s: "
            "the account's API quota is in use; try again in a minute"
        )
    return f"{info.message} (after {budget:.0f} s)"


class StartupRetry:
    """The start-up's calls as a poll: throttling and network errors are tried again after
    a jittered pause until the budget is spent, with a note on stderr while it waits (one
    line rewritten on a terminal, a line per attempt elsewhere)."""

    def __init__(
        self,
        budget: float,
        *,
        pause: tuple[float, float] = RETRY_PAUSE,
        rng: random.Random | None = None,
        out: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.pause = pause
        self.rng = rng or random.Random()
        self.out = out or sys.stderr
        self.clock = clock
        self.deadline = clock() + budget
        try:
            self.tty = self.out.isatty()
        except ValueError:
            self.tty = False
        self._width = 0
        """How much of the terminal line the last note took, to rub it out."""

    async def run(self, attempt: Callable[[], Awaitable[T]], stalled: Callable[[], ErrorInfo]) -> T:
        """`attempt()` until it succeeds, fails for good, or the budget is spent; `stalled()`
        says what was wrong when an attempt is cut off by the end of the budget."""
        last: ErrorInfo | None = None
        while True:
            # A call that hangs must not hold the start-up past its budget either.
            left = max(self.deadline - self.clock(), 1.0)
            try:
                return await asyncio.wait_for(attempt(), timeout=left)
            except AwsError as exc:
                if exc.kind not in RETRIED:
                    raise
                last = exc.info
            except TimeoutError:
                raise CliError(give_up_message(stalled(), self.budget)) from None
            left = self.deadline - self.clock()
            if left <= 0:
                raise CliError(give_up_message(last, self.budget))
            self.note(retry_note(last, left))
            await asyncio.sleep(min(left, self.rng.uniform(*self.pause)))

    def note(self, text: str) -> None:
        text = sanitize(text)
        if self.tty:
            self.out.write(f"\r{text}{' ' * max(0, self._width - len(text))}")
            self._width = len(text)
        else:
            self.out.write(f"{text}\n")
        self.out.flush()

    def close(self) -> None:
        """Rub out the note on a terminal, so what follows starts on a clean line."""
        if self._width:
            self.out.write(f"\r{' ' * self._width}\r")
            self.out.flush()
            self._width = 0


async def preflight(
    settings: AwsSettings,
    env: str | None,
    *,
    budget: float | None = None,
    pause: tuple[float, float] = RETRY_PAUSE,
    rng: random.Random | None = None,
    out: TextIO | None = None,
) -> tuple[EnvironmentSnapshot | None, list[str], str]:
    """Check region, credentials, the endpoint and the environment before the screen opens,
    retrying throttling and network errors for `budget` seconds (default STARTUP_BUDGET)."""
    # Throttling is retried here, where the user sees it, not silently inside each call.
    async with AwsGateway(settings, throttle_budget=0.0) as gateway:
        retry = StartupRetry(
            STARTUP_BUDGET if budget is None else budget, pause=pause, rng=rng, out=out
        )
        try:
            return await _find_environment(gateway, retry, env)
        finally:
            retry.close()


async def _find_environment(
    gateway: AwsGateway, retry: StartupRetry, env: str | None
) -> tuple[EnvironmentSnapshot | None, list[str], str]:
    from mwaa_tui.pollers.environment import list_environments

    region = gateway.region

    def stalled() -> ErrorInfo:
        if "mwaa" in gateway.unreachable:
            return gateway.unreachable["mwaa"][1]
        where = gateway.endpoint_url("mwaa") or "the MWAA endpoint"
        return ErrorInfo(ErrorKind.NETWORK, f"no answer from {where}")

    async def get(name: str) -> EnvironmentSnapshot:
        resp = await retry.run(lambda: gateway.call("mwaa", "get_environment", Name=name), stalled)
        try:
            return parse_environment(resp.get("Environment") or {})
        except EnvironmentWithoutName as exc:
            raise CliError(str(exc)) from None

    if env:
        try:
            return await get(env), [], region
        except AwsError as exc:
            if exc.kind is not ErrorKind.NOT_FOUND:
                raise
        there = ""
        # The list is a courtesy: when it cannot be had, the error is still "not found".
        with contextlib.suppress(AwsError, CliError):
            names = await retry.run(lambda: list_environments(gateway), stalled)
            there = (
                f"; environments there: {', '.join(names)}"
                if names
                else "; there are no environments there"
            )
        raise CliError(f"environment '{env}' not found in {region}{there}")
    names = await retry.run(lambda: list_environments(gateway), stalled)
    if not names:
        raise CliError(f"no MWAA environments in {region}; pass --env or --region")
    if len(names) == 1:
        return await get(names[0]), [], region
    return None, names, region


def run_sandbox(args: argparse.Namespace) -> int:
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise CliError("the sandbox binds to loopback only (127.0.0.1, localhost or ::1)")
    sandbox_mod, simulator_mod = _import_sandbox()
    from mwaa_tui.sandbox.faults import parse_outage, parse_share
    from mwaa_tui.sandbox.stores import ENVIRONMENT_STATUSES

    if args.state and args.state not in ENVIRONMENT_STATUSES:
        raise CliError(f"--state {args.state}: use one of {', '.join(ENVIRONMENT_STATUSES)}")
    try:
        faults = sandbox_mod.Faults(
            throttle=dict(parse_share(s) for s in args.throttle),
            deny=set(args.deny),
            expire=set(args.expire),
            drop=dict(parse_share(s) for s in args.drop),
            latency=args.latency,
            seed=args.seed,
        )
        outage = parse_outage(args.outage) if args.outage else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.outage_every is not None:
        if outage is None:
            raise CliError("--outage-every repeats an --outage: give one, e.g. --outage 30@60")
        if args.outage_every <= outage[0]:
            raise CliError("--outage-every must be longer than the outage itself")
    sandbox = sandbox_mod.Sandbox(region=args.region)
    try:
        sandbox.start(args.host, args.port)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    sandbox.faults = faults
    # With --state the environment keeps it: the story's failed update does not play.
    sim = simulator_mod.Simulator(
        sandbox,
        environment=args.env,
        seed=args.seed,
        lifecycle=args.state is None,
        airflow_version=args.airflow_version,
    )
    sim.setup(time.time())
    if args.state:
        sandbox.set_environment_state(args.env, args.state)
    stop = sim.start_thread()
    if outage is not None:
        sandbox.schedule_outages(*outage, every=args.outage_every)
    state = f" ({args.state})" if args.state and args.state != "DELETED" else ""
    print(f"sandbox on {sandbox.url}, environment '{args.env}'{state} in {args.region}")
    if args.state == "DELETED":
        print(f"environment '{args.env}' deleted: GetEnvironment answers ResourceNotFoundException")
    print("point a client at it:")
    exports = sandbox.client_env()
    # boto3 and the AWS CLI v1 read only AWS_DEFAULT_REGION; mwaa-tui and the CLI v2 both.
    exports.setdefault("AWS_DEFAULT_REGION", exports["AWS_REGION"])
    for key, value in exports.items():
        print(f"  export {key}={value}")
    print(f"  {PROG} --env {args.env}")
    print(
        "Other AWS clients (boto3, the AWS CLI) need AWS_DISABLE_HOST_PREFIX_INJECTION=true, "
        "as above:\nMWAA's api./env. host prefixes break a custom endpoint (mwaa-tui turns "
        "them off itself)."
    )
    if outage is not None:
        seconds, after = outage
        every = f", again every {args.outage_every:g} s" if args.outage_every else ""
        print(f"outage: down for {seconds:g} s, {after:g} s after start-up{every}")
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
