"""Choosing an environment when the region has more than one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from mwaa_tui.core.sanitize import sanitize
from mwaa_tui.ui.keys import HELP


class EnvironmentPicker(ModalScreen[str]):
    HELP_TITLE = "Environments"
    BINDINGS = [Binding("escape,q", "app.quit", "Quit", id="picker.quit"), HELP]

    def __init__(self, names: list[str], region: str) -> None:
        super().__init__()
        self.names = names
        self.aws_region = region

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(f"Environments in {self.aws_region}: pick one (Enter)", style="bold"))
            yield OptionList(*[Option(Text(sanitize(n)), id=n) for n in self.names])
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of a list of sanitised strings; Esc cancels."""

    HELP_TITLE = "Choice"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel"), HELP]

    def __init__(self, title: str, choices: list[str]) -> None:
        super().__init__()
        self.heading = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.heading, style="bold"))
            yield OptionList(*[Option(Text(c), id=str(i)) for i, c in enumerate(self.choices)])
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.choices[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
