"""What fits on a line: `core.layout.fit`, the header's and the footer's choice."""

from __future__ import annotations

import pytest

from mwaa_tui.core.layout import NEVER, Part, fit

LINE = [
    Part("name", (5,), (NEVER,)),
    Part("badge", (20, 12), (1, NEVER)),
    Part("version", (16,), (4,)),
    Part("class", (12,), (5,)),
    Part("region", (21,), (3,)),
]


def test_everything_fits_in_its_fullest_form() -> None:
    assert fit(LINE, 200) == {"name": 0, "badge": 0, "version": 0, "class": 0, "region": 0}


def test_the_least_important_goes_first_and_nothing_is_cut() -> None:
    # 74 cells wide: the class (rank 5) goes, then the version (4); the class is taken back
    # once the version's 16 cells are free, since it fits.
    assert fit(LINE, 60) == {"name": 0, "badge": 0, "class": 0, "region": 0}
    # Narrower: the badge shortens (rank 1) only after every fact has gone.
    assert fit(LINE, 30) == {"name": 0, "badge": 0}
    assert fit(LINE, 20) == {"name": 0, "badge": 1}


def test_what_is_never_given_up_stays_even_when_too_wide() -> None:
    assert fit(LINE, 3) == {"name": 0, "badge": 1}


def test_a_form_given_up_is_taken_back_where_it_fits() -> None:
    parts = [
        Part("logs", (60, 37, 10), (5, 2, 1)),
        Part("update", (36, 21, 15), (4, 1, NEVER)),
        Part("airflow", (40,), (3,)),
    ]
    assert fit(parts, 160) == {"logs": 0, "update": 0, "airflow": 0}
    assert fit(parts, 120) == {"logs": 1, "update": 0, "airflow": 0}
    # 80: the update shortened first (rank 4), Airflow dropped (3), then the update's
    # whole form is taken back: it fits once Airflow has gone.
    assert fit(parts, 80) == {"logs": 1, "update": 0}
    assert fit(parts, 40) == {"logs": 2, "update": 1}


def test_ties_go_from_the_right() -> None:
    parts = [Part("a", (10,), (2,)), Part("b", (10,), (2,))]
    assert fit(parts, 15) == {"a": 0}


def test_a_part_has_one_rank_per_form() -> None:
    with pytest.raises(ValueError, match="one rank per form"):
        Part("x", (3, 2), (1,))
