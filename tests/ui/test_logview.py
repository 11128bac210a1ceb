"""The log line view on its own: ring of lines, following, cursor, wrapping."""

from __future__ import annotations

from textual.app import App, ComposeResult

from mwaa_tui.core.snapshots import LogEvent, LogRow
from mwaa_tui.ui.widgets.logview import LogView


class Host(App[None]):
    def __init__(self, max_lines: int = 50) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines, id="view")


def rows(start: int, count: int) -> list[tuple[str, LogRow]]:
    return [
        (f"line {i}", LogEvent("Worker", i, f"line {i}", stream="s", event_id=str(i)).row())
        for i in range(start, start + count)
    ]


async def test_a_full_ring_drops_the_oldest_and_follows_the_end() -> None:
    app = Host(max_lines=50)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LogView)
        view.write_rows(rows(0, 120))
        await pilot.pause()
        assert view.lines == [f"line {i}" for i in range(70, 120)]
        assert view.is_vertical_scroll_end
        view.write_rows(rows(120, 5))
        await pilot.pause()
        assert view.lines[-1] == "line 124" and view.is_vertical_scroll_end


async def test_the_cursor_stays_on_its_line_while_new_lines_arrive() -> None:
    app = Host(max_lines=50)
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LogView)
        view.focus()
        view.write_rows(rows(0, 40))
        await pilot.pause()
        await pilot.press("up", "up", "up")
        assert view.cursor is not None
        picked = view.text_at(view.cursor)
        top = view.scroll_y
        view.write_rows(rows(40, 30))  # 20 of the old lines go
        await pilot.pause()
        assert view.text_at(view.cursor) == picked
        assert view.scroll_y == top - 20
        event = view.event_at(view.cursor)
        assert event is not None and event.message == picked
        await pilot.press("end")
        assert view.cursor is None and view.is_vertical_scroll_end


async def test_wrapping_counts_wide_characters_by_cell() -> None:
    app = Host()
    async with app.run_test(size=(22, 10)) as pilot:
        view = app.query_one(LogView)
        view.write_lines(["日本語" * 10, "ascii " * 10, ""])
        await pilot.pause()
        assert view.virtual_size.height == 3
        width = view.scrollable_content_region.width
        view.set_wrap(True)
        await pilot.pause()
        # 60 cells each (30 characters of 2 cells, 60 ascii): a first row of `width`, then
        # rows indented by the view's hanging indent.
        hang = view.wrap_indent
        rows_each = 1 + -(-(60 - width) // (width - hang))
        assert view.virtual_size.height == 2 * rows_each + 1
        for y in range(view.size.height):
            assert view.render_line(y).cell_length <= width
        assert view.render_line(0).text.startswith("日本語")
        assert view.render_line(1).text.startswith(" " * hang + "本語")


async def test_an_older_line_goes_in_its_place_and_the_cursor_keeps_its_line() -> None:
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LogView)
        view.focus()
        view.write_rows(rows(0, 20))
        await pilot.pause()
        await pilot.press("up")
        picked = view.text_at(view.cursor or 0)
        late = LogEvent("Worker", 5, "late five", stream="s", event_id="x").row()
        view.write_in_order([("late five", late), *rows(20, 2)])
        await pilot.pause()
        assert view.lines[5:8] == ["line 5", "late five", "line 6"]
        assert view.lines[-2:] == ["line 20", "line 21"]
        assert view.text_at(view.cursor or 0) == picked


async def test_a_batch_from_another_component_is_merged_in_time_order() -> None:
    app = Host()
    async with app.run_test(size=(40, 8)) as pilot:
        view = app.query_one(LogView)
        view.focus()

        def at(ts: int, text: str) -> tuple[str, LogRow]:
            return (text, LogEvent("Worker", ts, text, event_id=text).row())

        view.write_rows([at(t, f"a{t}") for t in range(0, 20, 2)])
        await pilot.pause()
        view.action_first()
        for _ in range(2):
            await pilot.press("down")  # on a4
        assert view.text_at(view.cursor or 0) == "a4"
        view.write_in_order([at(t, f"b{t}") for t in (21, 3, 4, 5, 1)])
        await pilot.pause()
        assert view.lines == [
            "a0", "b1", "a2", "b3", "a4", "b4", "b5", "a6", "a8", "a10", "a12", "a14", "a16",
            "a18", "b21",
        ]  # fmt: skip
        assert view.text_at(view.cursor or 0) == "a4"


async def test_find_brings_a_match_far_to_the_right_into_view() -> None:
    import re

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        view = app.query_one(LogView)
        view.write_lines([f"line {i}" for i in range(30)] + ["x" * 300 + " NEEDLE here"])
        view.write_lines([f"after {i}" for i in range(30)])
        await pilot.pause()
        view.set_search(re.compile("needle", re.I))
        assert view.find(forward=False, from_end=True) == 1
        await pilot.pause()
        assert view.scroll_x > 0
        y = view.screen_row(view.cursor or 0)
        assert y is not None
        assert "NEEDLE" in view.render_line(y).text


async def test_a_long_pause_keeps_counting_but_holds_only_a_buffer_of_lines() -> None:
    from mwaa_tui.ui.widgets.component_log import ComponentLog

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ComponentLog("Worker", capacity=10)

    app = One()
    async with app.run_test(size=(60, 12)) as pilot:
        pane = app.query_one(ComponentLog)
        pane.set_paused(True)
        pane.queue(e for _, e in rows(0, 25))
        pane.flush()
        await pilot.pause()
        assert pane.waiting == 25
        assert len(pane.buffer.pending) == 10
        assert pane.query_one(LogView).lines == []
        pane.set_paused(False)
        await pilot.pause()
        assert [ln.split(" ", 1)[1] for ln in pane.query_one(LogView).lines] == [
            f"line {i}" for i in range(15, 25)
        ]
        assert pane.waiting == 0
