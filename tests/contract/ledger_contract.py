"""What every Ledger must do, whatever store it keeps the workbook in.

Not collected by itself (no ``test_`` file name, no ``Test`` class name). An
adapter's test file joins by subclassing::

    class TestMyLedger(LedgerContract):
        @pytest.fixture
        async def ledger(self, tmp_path): ...

        async def reopen(self, ledger): ...  # a second handle on the same store

and may override ``delete_row_by_hand`` where its store allows a person's edit.
Changes are made with ``Case.replace`` so the suite depends on the Ledger only.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from cases.clock import STOCKHOLM
from cases.errors import CaseNotFound
from cases.ledger import Conflict, Ledger
from cases.model import Case, NewCase, Status
from cases.triage import ChangeKind, CustomerKind

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
ID_FORMAT = re.compile(r"SA-\d{6,}")


def registration(n: int = 1, *, by: str = "xanna", **fields: str) -> NewCase:
    values = {
        "customer_number": f"{1000000 + n}",
        "cab_number": f"{7000000 + n}",
        "description": f"{20 + n} fakturaadresser",
    }
    values.update(fields)
    return NewCase(registered_by=by, registered_at=T0 + timedelta(minutes=n), **values)


def claimed(case: Case, by: str = "xbo", minutes: int = 30) -> Case:
    return case.replace(
        status=Status.PABORJAD, handler=by, changed_at=case.changed_at + timedelta(minutes=minutes)
    )


def handed_over(case: Case, note: str, minutes: int = 30) -> Case:
    moment = case.changed_at + timedelta(minutes=minutes)
    return case.replace(comment=note, changed_at=moment, handed_over_at=moment)


def taken_over(case: Case, by: str, minutes: int = 30) -> Case:
    return case.replace(
        handler=by, changed_at=case.changed_at + timedelta(minutes=minutes), handed_over_at=None
    )


def closed(case: Case, minutes: int = 30) -> Case:
    return case.replace(
        status=Status.HANTERAD,
        customer_number="",
        cab_number="",
        description="",
        comment="",
        changed_at=case.changed_at + timedelta(minutes=minutes),
        handed_over_at=None,
    )


class LedgerContract:
    @pytest.fixture
    async def ledger(self) -> Ledger:
        raise NotImplementedError("an adapter's test class provides the ledger fixture")

    async def reopen(self, ledger: Ledger) -> Ledger:
        """A second, independent handle on the same store (nothing cached in common)."""
        raise NotImplementedError

    async def delete_row_by_hand(self, ledger: Ledger, case_id: str) -> None:
        """Remove the case's table row the way a person would in Excel."""
        pytest.skip("this store cannot be edited by hand in tests")

    # -- add -------------------------------------------------------------------

    async def test_the_adapter_implements_the_protocol(self, ledger: Ledger) -> None:
        assert isinstance(ledger, Ledger)

    async def test_add_returns_a_new_case_with_a_fresh_id(self, ledger: Ledger) -> None:
        new = registration()
        case = await ledger.add(new)
        assert ID_FORMAT.fullmatch(case.case_id)
        assert case == new.with_id(case.case_id)
        assert (case.status, case.handler, case.comment) == (Status.NY, "", "")

    async def test_an_added_case_is_stored(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        assert await ledger.get(case.case_id) == case
        assert await (await self.reopen(ledger)).get(case.case_id) == case

    async def test_ids_are_unique_and_rising_across_many_adds(self, ledger: Ledger) -> None:
        ids = [(await ledger.add(registration(n))).case_id for n in range(25)]
        numbers = [int(case_id.removeprefix("SA-")) for case_id in ids]
        assert numbers == sorted(set(numbers))

    async def test_concurrent_adds_get_unique_ids_and_all_are_kept(self, ledger: Ledger) -> None:
        cases = await asyncio.gather(*(ledger.add(registration(n)) for n in range(8)))
        assert len({c.case_id for c in cases}) == 8
        assert {c.case_id for c in await ledger.list()} == {c.case_id for c in cases}

    async def test_fifty_registrations_at_once_get_fifty_rows_with_consecutive_ids(
        self, ledger: Ledger
    ) -> None:
        first = await ledger.add(registration(0))
        news = [registration(n) for n in range(1, 51)]
        cases = await asyncio.gather(*(ledger.add(new) for new in news))
        for new, case in zip(news, cases, strict=True):
            assert case == new.with_id(case.case_id)  # each caller gets its own case
        numbers = sorted(int(c.case_id.removeprefix("SA-")) for c in cases)
        start = int(first.case_id.removeprefix("SA-")) + 1
        assert numbers == list(range(start, start + 50))
        stored = await (await self.reopen(ledger)).list()
        assert sorted(stored, key=lambda c: c.case_id) == sorted(
            [first, *cases], key=lambda c: c.case_id
        )

    async def test_an_id_is_never_reused_after_its_row_was_deleted(self, ledger: Ledger) -> None:
        first = await ledger.add(registration(1))
        last = await ledger.add(registration(2))
        await self.delete_row_by_hand(ledger, last.case_id)
        with pytest.raises(CaseNotFound):
            await ledger.get(last.case_id)
        again = await ledger.add(registration(3))
        assert again.case_id not in (first.case_id, last.case_id)
        assert int(again.case_id[3:]) > int(last.case_id[3:])

    async def test_timestamps_come_back_in_stockholm_time_to_the_second(
        self, ledger: Ledger
    ) -> None:
        utc = datetime(2026, 7, 1, 10, 0, 5, 123456, tzinfo=UTC)
        new = NewCase("1234567", "7654321", "x", "xanna", utc)
        case = await ledger.add(new)
        expected = datetime(2026, 7, 1, 12, 0, 5, tzinfo=STOCKHOLM)
        assert case.registered_at == case.changed_at == expected
        assert case.registered_at.utcoffset() == timedelta(hours=2)
        stored = await (await self.reopen(ledger)).get(case.case_id)
        assert stored.registered_at.utcoffset() == timedelta(hours=2)
        assert stored == case

    # -- get and list ----------------------------------------------------------

    async def test_get_of_an_unknown_id_raises_case_not_found(self, ledger: Ledger) -> None:
        await ledger.add(registration())
        with pytest.raises(CaseNotFound) as caught:
            await ledger.get("SA-999999")
        assert caught.value.case_id == "SA-999999"

    async def test_list_of_an_empty_ledger_is_empty(self, ledger: Ledger) -> None:
        assert await ledger.list() == []
        assert await ledger.list([Status.NY]) == []

    async def test_list_keeps_workbook_order_and_filters_by_status(self, ledger: Ledger) -> None:
        a, b, c, d = [await ledger.add(registration(n)) for n in range(4)]
        b2 = await ledger.update(b, claimed(b))
        d2 = await ledger.update(d, claimed(d, by="xcia"))
        d3 = await ledger.update(d2, closed(d2))
        assert await ledger.list() == [a, b2, c, d3]
        assert await ledger.list([Status.NY]) == [a, c]
        assert await ledger.list([Status.PABORJAD, Status.HANTERAD]) == [b2, d3]
        assert await ledger.list(iter([Status.HANTERAD])) == [d3]
        assert await ledger.list([]) == []

    # -- update ----------------------------------------------------------------

    async def test_update_with_the_current_case_is_stored(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        new = claimed(case)
        stored = await ledger.update(case, new)
        assert stored == new
        assert await ledger.get(case.case_id) == new
        assert await (await self.reopen(ledger)).get(case.case_id) == new

    async def test_a_whole_lifecycle_is_stored_step_by_step(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        for step in (
            lambda c: claimed(c, by="xbo"),
            lambda c: handed_over(c, "Klar med 10 av 22"),
            lambda c: taken_over(c, by="xcia"),
            closed,
        ):
            new = step(case)
            case = await ledger.update(case, new)
            assert case == new
            assert await (await self.reopen(ledger)).get(case.case_id) == new

    async def test_the_hand_over_moment_is_kept_and_cleared(self, ledger: Ledger) -> None:
        added = await ledger.add(registration())
        case = await ledger.update(added, claimed(added))
        free = await ledger.update(case, handed_over(case, "Rad 1-10 klara"))
        assert free.is_handed_over and free.handed_over_at == free.changed_at
        taken = await ledger.update(free, taken_over(free, by="xcia"))
        assert taken.handed_over_at is None
        assert (await (await self.reopen(ledger)).get(added.case_id)).handed_over_at is None

    async def test_a_stale_update_raises_conflict_with_the_current_case(
        self, ledger: Ledger
    ) -> None:
        case = await ledger.add(registration())
        winner = await ledger.update(case, claimed(case, by="xbo"))
        with pytest.raises(Conflict) as caught:
            await ledger.update(case, claimed(case, by="xcia"))
        assert caught.value.current == winner
        assert caught.value.who == "xbo"
        assert "xbo" in caught.value.message
        assert await ledger.get(case.case_id) == winner

    async def test_a_stale_update_of_a_field_nobody_else_touched_still_conflicts(
        self, ledger: Ledger
    ) -> None:
        case = await ledger.add(registration())
        moved_on = await ledger.update(case, claimed(case))
        with pytest.raises(Conflict):
            await ledger.update(case, case.replace(description="rättad beskrivning"))
        assert await ledger.get(case.case_id) == moved_on

    async def test_update_cannot_change_the_id(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        with pytest.raises(ValueError):
            await ledger.update(case, case.replace(case_id="SA-999999"))
        assert await ledger.get(case.case_id) == case

    async def test_update_of_an_unknown_case_raises_case_not_found(self, ledger: Ledger) -> None:
        ghost = registration().with_id("SA-999999")
        with pytest.raises(CaseNotFound):
            await ledger.update(ghost, claimed(ghost))

    async def test_an_update_that_changes_nothing_returns_the_case(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        assert await ledger.update(case, case) == case

    async def test_concurrent_updates_of_one_state_have_exactly_one_winner(
        self, ledger: Ledger
    ) -> None:
        case = await ledger.add(registration())
        attempts = [claimed(case, by="xbo"), claimed(case, by="xcia", minutes=31)]
        outcomes = await asyncio.gather(
            *(ledger.update(case, new) for new in attempts), return_exceptions=True
        )
        wins = [o for o in outcomes if isinstance(o, Case)]
        losses = [o for o in outcomes if isinstance(o, Conflict)]
        assert len(wins) == 1 and len(losses) == 1, outcomes
        assert wins[0] in attempts
        assert losses[0].current == wins[0]
        assert losses[0].who == wins[0].handler
        assert await (await self.reopen(ledger)).get(case.case_id) == wins[0]

    # -- content ---------------------------------------------------------------

    async def test_a_wiped_close_reads_back_empty(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        case = await ledger.update(case, claimed(case))
        case = await ledger.update(case, handed_over(case, "Kunden vill ha e-post"))
        done = await ledger.update(case, closed(case))
        for stored in (done, await (await self.reopen(ledger)).get(case.case_id)):
            assert stored.status is Status.HANTERAD
            assert not stored.has_customer_data
            assert (stored.customer_number, stored.cab_number) == ("", "")
            assert (stored.description, stored.comment) == ("", "")
            assert (stored.registered_by, stored.handler) == ("xanna", "xbo")

    @pytest.mark.parametrize(
        "fields",
        [
            {"customer_number": "0012345", "cab_number": "00070001"},
            {"description": "Ändra fakturaadress för 22 anläggningar åt Brf Ödet, Övre Årsta"},
            {"description": "Rad ett\nRad två\n\nRad fyra"},
            {"description": "=HYPERLINK(\"http://example.invalid\",\"klicka\")"},
            {"description": "=1+1", "cab_number": "+46701234567", "customer_number": "-12"},
            {"description": "@SUM(A1:A2)"},
            {"description": "\tindragen text"},
            {"description": "  mellanslag runt om  "},
            {"description": "\"citat\" & <vinkel> 'apostrof'"},
        ],
        ids=[
            "leading-zeros", "swedish", "newlines", "hyperlink-formula", "formula-signs",
            "at-sign", "leading-tab", "spaces", "xml-characters",
        ],
    )  # fmt: skip
    async def test_tricky_text_comes_back_exactly(
        self, ledger: Ledger, fields: dict[str, str]
    ) -> None:
        case = await ledger.add(registration(**fields))
        for name, value in fields.items():
            assert getattr(case, name) == value
        assert await (await self.reopen(ledger)).get(case.case_id) == case

    # -- what the registration said: count and kinds --------------------------

    async def test_the_count_and_kinds_come_back_and_survive_the_close(
        self, ledger: Ledger
    ) -> None:
        new = NewCase(
            "5012345", "9876543", "16 flyttar", "xanna", T0,
            change_count=16, change_kind=ChangeKind.MOVE, customer_kind=CustomerKind.FORETAG,
        )  # fmt: skip
        case = await ledger.add(new)
        assert (case.change_count, case.change_kind, case.customer_kind) == (
            16, ChangeKind.MOVE, CustomerKind.FORETAG
        )  # fmt: skip
        assert await (await self.reopen(ledger)).get(case.case_id) == case
        case = await ledger.update(case, claimed(case))
        case = await ledger.update(case, handed_over(case, "Klar med 8"))
        done = await ledger.update(case, closed(case))
        for stored in (done, await (await self.reopen(ledger)).get(case.case_id)):
            assert not stored.has_customer_data and stored.status is Status.HANTERAD
            assert (stored.change_count, stored.change_kind, stored.customer_kind) == (
                16, ChangeKind.MOVE, CustomerKind.FORETAG
            )  # fmt: skip

    async def test_a_case_registered_without_a_count_reads_as_unknown(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        stored = await (await self.reopen(ledger)).get(case.case_id)
        assert (stored.change_count, stored.change_kind, stored.customer_kind) == (None,) * 3

    @pytest.mark.parametrize("customer", list(CustomerKind))
    async def test_every_customer_kind_comes_back(
        self, ledger: Ledger, customer: CustomerKind
    ) -> None:
        new = NewCase(
            "1", "2", "x", "xanna", T0,
            change_count=10_000, change_kind=ChangeKind.OTHER, customer_kind=customer,
        )  # fmt: skip
        case = await ledger.add(new)
        stored = await (await self.reopen(ledger)).get(case.case_id)
        assert (stored.change_count, stored.customer_kind) == (10_000, customer)

    async def test_a_tricky_comment_comes_back_exactly(self, ledger: Ledger) -> None:
        case = await ledger.add(registration())
        case = await ledger.update(case, claimed(case))
        note = "Klart: 735999000000000001–010\n=Resten imorgon\nÅsa på kundtjänst vet"
        stored = await ledger.update(case, handed_over(case, note))
        assert stored.comment == note
        assert (await (await self.reopen(ledger)).get(case.case_id)).comment == note
