"""Following a log group: dedupe, ordering and late events, in bounded memory."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import Generic, TypeVar

from mwaa_tui.core.snapshots import ROW_TIME, LogEvent, LogRow

T = TypeVar("T")


class SeenIds:
    """A set of recently seen ids that forgets the oldest beyond `capacity`."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        """Remember `event_id`; False if it was seen already."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids


class RingBuffer(Generic[T]):
    """The newest `capacity` items; memory stays flat however long it runs."""

    def __init__(self, capacity: int) -> None:
        self._items: deque[T] = deque(maxlen=capacity)
        self.dropped = 0

    @property
    def capacity(self) -> int:
        return self._items.maxlen or 0

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            if len(self._items) == self.capacity:
                self.dropped += 1
            self._items.append(item)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


by_time = itemgetter(ROW_TIME)
"""Sort key of a `LogRow`: its timestamp."""


class LogBuffer:
    """One log view's events: the newest `capacity` kept (to draw again under a new
    filter), and those not drawn yet. While paused, new events wait; past `capacity` the
    oldest waiting ones are dropped, and those the view would have shown are counted."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.kept: RingBuffer[LogRow] = RingBuffer(capacity)
        self.pending: list[LogRow] = []
        """Arrived, not drawn yet (all of them while paused)."""
        self.dropped = 0
        """Waiting events that went past `capacity` and passed the filter."""
        self.paused = False

    def add(self, rows: Iterable[LogRow], shown: Callable[[LogRow], bool]) -> None:
        """New events; `shown` tells which the view's filter passes."""
        rows = list(rows)
        self.kept.extend(rows)
        self.pending.extend(rows)
        excess = len(self.pending) - self.capacity
        if excess <= 0:
            return
        if self.paused:  # a long pause: only the newest `capacity` can be shown anyway
            gone, self.pending = self.pending[:excess], self.pending[excess:]
            self.dropped += sum(1 for r in gone if shown(r))
        elif excess > self.capacity:
            # Not paused, what goes past `capacity` before the next draw is never shown
            # (a replay's seek hands over a whole buffer a batch at a time): cut now and
            # then, not with a copy of the list and a filter test at every batch.
            del self.pending[:excess]

    def waiting(self, shown: Callable[[LogRow], bool]) -> int:
        """Events that arrived while paused and pass the filter."""
        return sum(1 for r in self.pending[-self.capacity :] if shown(r)) + self.dropped

    def take(self) -> list[LogRow]:
        """The events to draw now, oldest first (none while paused)."""
        if self.paused or not self.pending:
            return []
        batch, self.pending, self.dropped = self.pending, [], 0
        if len(batch) > self.capacity:  # more arrived since the last draw than it can show
            del batch[: len(batch) - self.capacity]
        # Components are polled at different moments: in the merged view an older line
        # is no news, and goes in its place. Lateness is the follower's verdict.
        batch.sort(key=by_time)
        return batch

    def everything(self) -> list[LogRow]:
        """Every kept event to draw afresh, oldest first: while paused, those waiting stay
        waiting; otherwise nothing is left to draw after them."""
        held = {id(r) for r in self.pending} if self.paused else set()
        if not self.paused:
            self.pending, self.dropped = [], 0
        return sorted((r for r in self.kept if id(r) not in held), key=by_time)

    def clear(self) -> None:
        """Forget every event: a new backfill is on its way."""
        self.kept = RingBuffer(self.capacity)
        self.pending, self.dropped = [], 0


class LogFollower:
    """Which events of a poll are new, in time order, and where the next poll starts.

    Each poll re-reads an overlap before the newest timestamp seen, because
    CloudWatch ingests some events late with older timestamps. Events already
    delivered are dropped by eventId; events older than the newest delivered
    one are marked late. On a busy group the overlap shrinks (never below
    `min_overlap_ms`) so that a poll re-reads about `overlap_events` events, and
    only every `busy_every`-th poll re-reads it: the others start at the newest
    event, since parsing re-read events is most of a busy tail's cost.
    """

    def __init__(
        self,
        start_ms: int,
        overlap_ms: int = 30_000,
        capacity: int = 50_000,
        *,
        min_overlap_ms: int = 10_000,
        overlap_events: int = 5_000,
        quiet_events: int = 2_000,
        busy_every: int = 4,
    ) -> None:
        self.quiet_events = quiet_events
        self.busy_every = busy_every
        self.polls = 0
        self.busy = False
        self.max_overlap_ms = overlap_ms
        self.min_overlap_ms = min(min_overlap_ms, overlap_ms)
        self.overlap_events = overlap_events
        self.overlap_ms = overlap_ms
        self.newest_ms: int | None = None
        self._start_ms = start_ms
        self._seen = SeenIds(capacity)

    @property
    def next_start_ms(self) -> int:
        if self.newest_ms is None:
            return self._start_ms
        if self.busy and self.polls % self.busy_every:
            return max(self._start_ms, self.newest_ms)
        return max(self._start_ms, self.newest_ms - self.overlap_ms)

    def delivered(self, event_id: str) -> bool:
        """Whether an event with this id was delivered already (checked before parsing)."""
        return bool(event_id) and event_id in self._seen

    def _adapt(self, count: int, span_ms: int) -> None:
        rate = count / max(1_000, span_ms)  # events per ms
        wanted = int(self.overlap_events / rate) if rate else self.max_overlap_ms
        self.overlap_ms = max(self.min_overlap_ms, min(self.max_overlap_ms, wanted))
        self.busy = rate * self.overlap_ms > self.quiet_events

    def accept(self, events: Iterable[LogEvent]) -> list[LogEvent]:
        """The events not delivered before, oldest first, late ones flagged."""
        self.polls += 1
        fresh = [e for e in events if self._seen.add(e.event_id or _fallback_id(e))]
        fresh.sort(key=lambda e: (e.timestamp, e.ingestion_time))
        newest = self.newest_ms
        out: list[LogEvent] = []
        for e in fresh:
            if newest is not None and e.timestamp < newest:
                out.append(_late(e))
            else:
                out.append(e)
        if fresh:
            top = fresh[-1].timestamp
            self._adapt(len(fresh), top - (newest if newest is not None else fresh[0].timestamp))
            self.newest_ms = top if newest is None else max(newest, top)
        return out


def _fallback_id(e: LogEvent) -> str:
    return f"{e.stream}\x00{e.timestamp}\x00{e.message[:200]}"


def _late(e: LogEvent) -> LogEvent:
    return LogEvent(
        component=e.component,
        timestamp=e.timestamp,
        message=e.message,
        stream=e.stream,
        event_id=e.event_id,
        ingestion_time=e.ingestion_time,
        level=e.level,
        late=True,
    )


class Interleaver:
    """Merges several components' events into one time-ordered stream, for output that
    cannot insert (plain mode's stdout; the screen merges in place instead).

    Each component reports how far it has polled. Events are released once every
    active component has polled past them (a watermark), so the output is in time
    order; anything that arrives older than what was released is passed on at once
    and flagged late.
    """

    def __init__(self, lag_ms: int = 5_000) -> None:
        self.lag_ms = lag_ms
        """Allowance for ingestion delay: CloudWatch shows events 5-20 s after their time."""
        self._polled_to: dict[str, int] = {}
        self._pending: list[LogEvent] = []
        self.released_to: int | None = None

    def set_components(self, components: Iterable[str]) -> None:
        """The components whose progress holds the watermark back."""
        wanted = set(components)
        self._polled_to = {c: t for c, t in self._polled_to.items() if c in wanted}
        for c in wanted:
            self._polled_to.setdefault(c, -1)

    def add(self, component: str, events: Iterable[LogEvent], polled_to: int) -> list[LogEvent]:
        """Take a component's new events; return what can be shown now, in order."""
        late: list[LogEvent] = []
        for e in events:
            if self.released_to is not None and e.timestamp < self.released_to:
                late.append(e if e.late else _late(e))
            else:
                self._pending.append(e)
        if component in self._polled_to:
            self._polled_to[component] = max(self._polled_to[component], polled_to - self.lag_ms)
        return late + self._release()

    def _release(self) -> list[LogEvent]:
        if not self._polled_to:
            mark = max((e.timestamp for e in self._pending), default=-1)
        else:
            mark = min(self._polled_to.values())
        if mark < 0:
            return []
        ready = [e for e in self._pending if e.timestamp <= mark]
        if not ready:
            return []
        self._pending = [e for e in self._pending if e.timestamp > mark]
        ready.sort(key=lambda e: (e.timestamp, e.component, e.stream, e.event_id))
        self.released_to = mark if self.released_to is None else max(self.released_to, mark)
        return ready

    @property
    def pending(self) -> int:
        return len(self._pending)
