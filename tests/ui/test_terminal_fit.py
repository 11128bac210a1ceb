"""What the header shows at 80, 120 and 200 columns, and what the app sends to a terminal
with 16 colours, with NO_COLOR and with TERM=dumb. The app runs without a gateway (no
environment to monitor) over a fixed state: no sandbox is needed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.widgets._footer import FooterKey

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.core.snapshots import (
    AirflowSnapshot,
    Alarm,
    AlarmsSnapshot,
    ComponentHealth,
    EnvironmentSnapshot,
    ErrorInfo,
    ErrorKind,
    LastUpdate,
    LogConfig,
    MetricSeries,
    MetricsSnapshot,
    SourceHealth,
    TrailBatch,
    TrailEvent,
)
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.app import MwaaApp
from mwaa_tui.ui.widgets.footer import FittedFooter
from mwaa_tui.ui.widgets.header import EnvironmentHeader
from mwaa_tui.ui.widgets.trail_table import TrailTable, short_error

NOW = 1_764_072_000.0
COMPONENTS = ("DAGProcessing", "Scheduler", "Task", "WebServer", "Worker")
ENVIRONMENT = EnvironmentSnapshot(
    name="demo",
    status="AVAILABLE",
    airflow_version="2.10.3",
    environment_class="mw1.medium",
    min_workers=1,
    max_workers=5,
    schedulers=2,
    logging=tuple(LogConfig(c, enabled=True, level="INFO") for c in COMPONENTS),
    last_update=LastUpdate("SUCCESS", NOW - 2 * 86400, "SYSTEM"),
)


def fixed_app(*, trouble: bool = False) -> MwaaApp:
    """The app over `ENVIRONMENT` with 8 CloudTrail errors in the last hour; with
    `trouble`, two alarms firing and an unhealthy scheduler too."""
    app = MwaaApp(
        AppConfig(
            aws=AwsSettings(region="eu-west-1"),
            environment=None,
            where=" · sandbox",
            initial=ENVIRONMENT,
            clock=lambda: NOW,
        )
    )
    errors = [TrailEvent(f"e{i}", NOW - 60 * i, "CreateCliToken", "ci", error_code="AccessDenied")
              for i in range(8)]  # fmt: skip
    app.state.trail.add(TrailBatch(tuple(errors)))
    health = (
        ComponentHealth("metadatabase", "healthy"),
        ComponentHealth("scheduler", "unhealthy" if trouble else "healthy", NOW - 71),
        ComponentHealth("triggerer", "healthy", NOW - 2),
    )
    app.state.airflow = AirflowSnapshot("2.10.3", fetched_at=NOW, health=health)
    if trouble:
        app.state.alarms = AlarmsSnapshot(
            tuple(Alarm(f"demo-{i}", "ALARM", "Threshold crossed", NOW) for i in range(2))
        )
    return app


def header_lines(app: MwaaApp, width: int, health: tuple[str, str] = ("", "ok")) -> list[str]:
    """The header's lines at `width`, the environment source's health being `health`."""
    header = app.main.query_one(EnvironmentHeader)
    header.health_text = health
    return header.render_header(NOW, width).plain.splitlines()


async def test_the_header_at_80_columns_shows_what_matters_whole() -> None:
    app = fixed_app()
    async with app.run_test(size=(80, 24)):
        first, second = header_lines(app, 80)
        assert (
            first
            == " demo  ● AVAILABLE   8 CloudTrail errors (1h)   mw1.medium  eu-west-1 · sandbox"
        )
        assert (
            second == " logs DAG Sched Task Web Worker INFO  │ last update SUCCESS 2d ago (SYSTEM)"
        )
        # 120: the version, workers and each Airflow component's health as well.
        first, second = header_lines(app, 120)
        assert "Airflow 2.10.3  mw1.medium  workers 1-5  eu-west-1 · sandbox" in first
        assert second.endswith(
            "│ last update SUCCESS 2d ago (SYSTEM)  │ airflow db ● · sched ● 1m · trig ● 2s"
        )
        # 200: everything, each log level on its own.
        first, second = header_lines(app, 200)
        assert first.startswith(" mwaa-tui  demo") and "schedulers 2" in first
        assert second.startswith(" logs DAG INFO  Sched INFO  Task INFO  Web INFO  Worker INFO  │")
        for width in (80, 120, 200):
            assert all(len(line) <= width for line in header_lines(app, width))


async def test_what_is_wrong_stays_on_the_header_at_80_columns() -> None:
    app = fixed_app(trouble=True)
    async with app.run_test(size=(80, 24)):
        first, second = header_lines(app, 80, ("cannot reach https://airflow.eu-west-1", "error"))
        assert len(first) <= 80
        # The badges shorten, the one for Airflow first; the facts make room for them.
        assert first == " demo  ● AVAILABLE   2 in ALARM    ✖ sched 1m    8 CloudTrail errors (1h) "
        # The source's health whole; the log levels down to a count.
        assert (
            second
            == " logs 5/5 on  │ update SUCCESS 2d ago  │ cannot reach https://airflow.eu-west-1"
        )


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def emitted(app: MwaaApp) -> str:
    """What the app would write to the terminal for a full repaint of its screen: the
    compositor's update rendered with the app's console (its colour system and filters),
    as `App._display` does for a real terminal."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


def style_at(output: str, text: str) -> list[str]:
    """The SGR parameters in force where `text` is written: those since the last reset."""
    params: list[str] = []
    for m in SGR.finditer(output[: output.index(text)]):
        params = [] if m.group(1) in ("", "0") else params
        params += [p for p in m.group(1).split(";") if p not in ("", "0")]
    return params


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the terminal's variables as a user's shell would, before the app is made (the
    other tests see xterm-256color: tests/conftest.py)."""

    def use(**env: str) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)

    return use


async def test_no_color_badges_stand_out_by_reverse_not_grey_on_grey(terminal: Any) -> None:
    terminal(NO_COLOR="1")
    app = fixed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        params = style_at(emitted(app), " 8 CloudTrail errors")
        assert "7" in params  # reversed: the bar's text colour becomes the badge's fill
        fg, bg = _grey(params, "38"), _grey(params, "48")
        assert abs(fg - bg) > 100, f"grey {fg} on grey {bg}"


def _grey(params: list[str], which: str) -> int:
    """The last 256-colour grey set for the foreground (38) or background (48), 0-255."""
    at = max(i for i, p in enumerate(params[:-2]) if p == which and params[i + 1] == "5")
    index = int(params[at + 2])
    assert index >= 232 or index in (0, 15, 16, 231), f"not a grey: {index}"
    return {0: 0, 16: 0, 15: 255, 231: 255}.get(index, 8 + 10 * (index - 232))


async def test_16_colours_the_focused_border_is_not_red(terminal: Any) -> None:
    terminal(TERM="screen")
    app = fixed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        output = emitted(app)
        assert app.console.color_system == "standard"
        assert not re.search(r"[34]8;[25];", output)  # 16 colours only
        focused = style_at(output, "╭")  # the log pane's corner: it has the focus
        assert focused and not {"31", "91"} & set(focused), focused
        error = app.main.query_one("#logs")
        error.add_class("-failing")
        await pilot.pause()
        assert {"31", "91"} & set(style_at(emitted(app), "╭"))  # a failing pane still is


async def test_a_dumb_terminal_gets_no_colour_and_a_heavy_focused_border(terminal: Any) -> None:
    terminal(TERM="dumb")
    app = fixed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        output = emitted(app)
        colours = {p for m in SGR.finditer(output) for p in m.group(1).split(";")}
        assert colours <= {"", "0", "1", "2", "3", "4", "7", "9", "39", "49"}, colours
        assert "┏" in output  # focus told by the border's shape
        assert "7" in style_at(output, " 8 CloudTrail errors")


def footer_keys(app: MwaaApp) -> list[str]:
    """The footer's keys as drawn, each asserted whole on the screen."""
    keys = list(app.main.query_one(FittedFooter).query(FooterKey))
    width = app.main.size.width
    assert all(k.region.x >= 0 and k.region.right <= width for k in keys), "a key cut off"
    return [f"{k.key_display} {k.description}" for k in keys]


async def test_at_80_columns_the_footer_drops_whole_keys_and_the_tabs_fit() -> None:
    app = fixed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert footer_keys(app) == [
            "p Pause", "/ Filter", "f Find", "t Tasks", "q Quit", "? Keys", "r Refresh",
            "z Zoom", "a Airflow",
        ]  # fmt: skip
        # A failing source brings `!`: the least useful keys make room for it.
        app.state.health["cloudtrail"] = SourceHealth(
            "cloudtrail", error=ErrorInfo(ErrorKind.DENIED, "denied")
        )
        app.main.tick()
        await pilot.pause()
        await pilot.pause()
        keys = footer_keys(app)
        assert "! Errors" in keys and "a Airflow" in keys and "? Keys" in keys
        assert "r Refresh" not in keys
        # The log views' tabs, all six whole, one space apart.
        assert "─  1 All 2 DAG 3 Sched 4 Task 5 Web 6 Worker ─" in screen_lines(app)[2]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert "─  1 All  2 DAG  3 Sched  4 Task  5 Web  6 Worker  ─" in screen_lines(app)[2]
        assert "^p palette" in footer_keys(app)


CELL = 12.2
"""The width of a cell in Textual's screenshots, in SVG units (0.61 of its 20px font)."""


def screen_lines(app: MwaaApp) -> list[str]:
    """The screen's rows as drawn (Textual's own screenshot), spaces included."""
    import html

    svg = app.export_screenshot()
    rows: dict[int, list[tuple[float, str]]] = {}
    cell = re.compile(r'<text[^>]* x="([\d.]+)"[^>]*-line-(\d+)\)">(.*?)</text>')
    for x, row, text in cell.findall(svg):
        rows.setdefault(int(row), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for row in sorted(rows):
        line = ""
        for x, text in sorted(rows[row]):
            line = line.ljust(round(x / CELL)) + text
        lines.append(line)
    return lines


def test_an_error_code_in_fewer_cells() -> None:
    assert short_error("AccessDenied") == "Denied"
    assert short_error("AccessDeniedException") == "Denied"
    assert short_error("ThrottlingException") == "Throttling"
    assert short_error("ValidationError") == "ValidationError"


async def test_at_80_columns_cloudtrail_error_codes_are_whole() -> None:
    app = fixed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main.query_one(TrailTable)

        async def drawn() -> tuple[str, list[str]]:
            app.main.show_trail(older=False)
            await pilot.pause()
            return table.get_cell_at(Coordinate(0, 2)).plain, screen_lines(app)

        code, _ = await drawn()
        assert code == "AccessDenied"  # beside CreateCliToken it fits
        # The story's longest name: Ago, Event and AccessDenied would need 41 columns.
        login = TrailEvent("login", NOW - 3000, "CreateWebLoginToken", "alice")
        app.state.trail.add(TrailBatch((login,)))
        code, lines = await drawn()
        assert code == "Denied"
        assert any("│  0s  CreateCliToken       Denied  " in line for line in lines)
        await pilot.resize_terminal(120, 40)
        code, _ = await drawn()
        assert code == "AccessDenied"


async def test_zoomed_metrics_use_the_width_there_is_for_their_labels() -> None:
    app = fixed_app()
    label = "OpFail S3KeySensorAsync"
    series = MetricSeries(
        "ops", label, "AmazonMWAA", "OperatorFailures", "Sum", "Count", (),
        timestamps=tuple(NOW - 60 * i for i in range(10, 0, -1)), values=(1.0,) * 10,
    )  # fmt: skip
    app.state.metrics = MetricsSnapshot((series,), 60, NOW - 3600, NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.main.show_metrics()
        await pilot.pause()
        assert not any(label in line for line in screen_lines(app))  # 11 characters beside
        app.main.query_one("#metrics").focus()
        await pilot.press("z")
        await pilot.pause()
        assert any(f"{label}  " in line for line in screen_lines(app))
        # At 80 columns too: zoomed, the pane fills the screen.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.main.query_one("#metrics").region.width == 80
        assert any(f"{label[:17]}" in line for line in screen_lines(app))
