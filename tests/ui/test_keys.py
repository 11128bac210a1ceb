"""Keys as data: remaps from config.toml, the command palette, `?` on every screen. No
endpoint is needed: the main screen waits for an environment that never comes."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette

from mwaa_tui.aws.clients import AwsSettings
from mwaa_tui.settings import AppConfig
from mwaa_tui.ui.app import MwaaApp
from mwaa_tui.ui.screens.help import HelpScreen
from mwaa_tui.ui.screens.line_detail import LineDetail
from mwaa_tui.ui.widgets.logs import LogPanes
from tests.conftest import wait_until
from tests.ui.helpers import screen_text

OFFLINE = AwsSettings(region="eu-west-1", endpoint_url="http://127.0.0.1:9")


class Told(MwaaApp):
    """The app, keeping what it notifies."""

    def __init__(self, config: AppConfig) -> None:
        super().__init__(config)
        self.said: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.said.append(message)
        super().notify(message, *args, **kwargs)


def idle_app(**kwargs: Any) -> Told:
    return Told(AppConfig(aws=OFFLINE, environment=None, **kwargs))


async def test_a_remapped_key_acts_and_the_help_shows_it_as_typed() -> None:
    app = idle_app(keymap={"logs.pause": "space", "logs.paws": "x"})
    async with app.run_test(size=(100, 30)) as pilot:
        panes = app.query_one(LogPanes)
        await pilot.press("space")
        assert panes.paused
        await pilot.press("p")  # the old key no longer pauses
        assert panes.paused
        assert app.said == [
            "config: [keys] logs.paws skipped: no binding has that id (the command palette, "
            "Ctrl+P, shows each key's id)"
        ]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = app.screen.text.splitlines()
        assert lines[0] == "Logs (focused)"
        assert (
            "Space  Pause the tail (new lines are counted); again to follow from the end" in lines
        )
        assert any(line.startswith("/  Show only lines containing text") for line in lines)
        assert "↑/k  Line cursor up; the view stops following (End follows again)" in lines
        # A table's own cursor keys are its business, not the help's.
        assert not any(line.endswith("Cursor up") for line in lines)


async def test_the_palette_runs_what_a_key_runs() -> None:
    app = idle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"pause the tail")
        await wait_until(pilot, lambda: "Logs: Pause" in screen_text(app), what="the command")
        assert "logs.pause" in screen_text(app)  # the id to remap it by
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query_one(LogPanes).paused, what="paused")


async def test_a_modal_shows_its_keys_and_answers_the_question_mark() -> None:
    app = idle_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(LineDetail(None, "a line"))
        await pilot.pause()
        assert "esc Close" in screen_text(app) and "? Keys" in screen_text(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = [s.title for s in app.screen.sections]
        assert sections == ["Log line", "Everywhere"]
        await pilot.press("escape", "escape")
        assert not isinstance(app.screen, LineDetail | HelpScreen)
