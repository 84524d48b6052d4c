"""The confirmation e-mail, the CAB comment and the close checklist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases.clock import STOCKHOLM
from cases.email import (
    CLOSE_CHECKLIST,
    REGISTER_REMINDER,
    Change,
    cab_comment,
    confirmation_email,
)
from cases.errors import InvalidInput
from cases.installations import is_valid_gsrn
from cases.language import Bilingual

# The routine's example e-mail (docs/routine.md), copied word for
# word; only the placeholder IDs "735999102xxxxxxxxx" are made real GSRNs.
# A backslash at the end of a line continues the same line of the e-mail.
TEMPLATE = """\
Hej Företaget
Vi har nu ändrat er fakturaadress till Gatunamnet 123, 111 111 Staden på följande anläggningar
735999102000000014, 735999102000000021, 735999102000000038, 735999102000000045, \
735999102000000052 samt 735999102000000069
Jag kan se att ni även har avtal för anläggningarna 735999102000000076, 735999102000000083 \
och 735999102000000090.
Om ni önskar göra ändring av fakturaadressen även där återkom gärna till oss \
så hjälper vi er med det."""

CHANGED = (
    "735999102000000014",
    "735999102000000021",
    "735999102000000038",
    "735999102000000045",
    "735999102000000052",
    "735999102000000069",
)
OTHERS = ("735999102000000076", "735999102000000083", "735999102000000090")
ADDRESS = Change.invoice_address("Gatunamnet 123, 111 111 Staden")


def lines(email: str) -> list[str]:
    """The e-mail's lines, leaving out the blank ones between its paragraphs."""
    return [line for line in email.split("\n") if line]


def test_the_ids_in_the_template_are_real_gsrns() -> None:
    assert all(is_valid_gsrn(i) for i in CHANGED + OTHERS)


class TestConfirmationEmail:
    def test_matches_the_routine_template_word_for_word(self) -> None:
        assert lines(confirmation_email("Företaget", ADDRESS, CHANGED, OTHERS)) == (
            TEMPLATE.split("\n")
        )

    def test_a_blank_line_between_paragraphs(self) -> None:
        """Greeting; the change with its IDs; the offer. Pasted into a mail, they stay apart."""
        routine = TEMPLATE.split("\n")
        paragraphs = [routine[:1], routine[1:3], routine[3:]]
        assert confirmation_email("Företaget", ADDRESS, CHANGED, OTHERS) == "\n\n".join(
            "\n".join(paragraph) for paragraph in paragraphs
        )
        alone = confirmation_email("Företaget", ADDRESS, CHANGED[:1])  # no others: no offer
        assert alone.split("\n\n") == ["Hej Företaget", "\n".join(lines(alone)[1:3])]

    def test_the_template_with_a_free_change_built_like_the_preset(self) -> None:
        change = Change.custom(
            "er fakturaadress till Gatunamnet 123, 111 111 Staden", "fakturaadressen"
        )
        assert change == ADDRESS
        assert confirmation_email("Företaget", change, CHANGED, OTHERS) == (
            confirmation_email("Företaget", ADDRESS, CHANGED, OTHERS)
        )

    def test_without_other_installations_the_last_two_lines_are_left_out(self) -> None:
        three = TEMPLATE.split("\n")[:3]
        assert lines(confirmation_email("Företaget", ADDRESS, CHANGED)) == three

    def test_one_changed_installation_is_singular(self) -> None:
        text = confirmation_email("Företaget", ADDRESS, [CHANGED[0]])
        assert lines(text) == [
            "Hej Företaget",
            (
                "Vi har nu ändrat er fakturaadress till Gatunamnet 123, 111 111 Staden "
                "på följande anläggning"
            ),
            CHANGED[0],
        ]

    def test_two_changed_installations(self) -> None:
        text = confirmation_email("Företaget", ADDRESS, CHANGED[:2])
        assert lines(text)[1].endswith("på följande anläggningar")
        assert lines(text)[2] == f"{CHANGED[0]} samt {CHANGED[1]}"

    def test_one_other_installation_is_singular(self) -> None:
        shown = lines(confirmation_email("Företaget", ADDRESS, CHANGED[:2], OTHERS[:1]))
        assert shown[3] == f"Jag kan se att ni även har avtal för anläggningen {OTHERS[0]}."
        assert shown[4] == (
            "Om ni önskar göra ändring av fakturaadressen även där återkom gärna till oss "
            "så hjälper vi er med det."
        )

    def test_two_other_installations(self) -> None:
        shown = lines(confirmation_email("Företaget", ADDRESS, CHANGED[:1], OTHERS[:2]))
        assert shown[3] == (
            f"Jag kan se att ni även har avtal för anläggningarna {OTHERS[0]} och {OTHERS[1]}."
        )

    def test_at_least_one_changed_installation_is_required(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            confirmation_email("Företaget", ADDRESS, [], OTHERS)
        assert caught.value.field == "changed_ids"
        assert caught.value.message != caught.value.message_en

    def test_repeated_ids_are_named_once(self) -> None:
        text = confirmation_email(
            "Företaget", ADDRESS, [CHANGED[0], CHANGED[1], CHANGED[0]], [OTHERS[0], OTHERS[0]]
        )
        shown = lines(text)
        assert shown[2] == f"{CHANGED[0]} samt {CHANGED[1]}"
        assert shown[3].endswith(f"för anläggningen {OTHERS[0]}.")

    def test_a_changed_installation_is_not_offered_again(self) -> None:
        text = confirmation_email("Företaget", ADDRESS, CHANGED[:2], [CHANGED[1]])
        assert "Jag kan se" not in text and text.count(CHANGED[1]) == 1

    def test_the_greeting_is_tidied_to_one_line(self) -> None:
        text = confirmation_email("  Brf  Solgläntan\r\n", ADDRESS, CHANGED[:1])
        assert text.startswith("Hej Brf Solgläntan\n\nVi har nu ändrat")

    @pytest.mark.parametrize(("greeting", "hint"), [(" \n", "tom"), ("a" * 101, "100")])
    def test_a_bad_greeting_is_refused(self, greeting: str, hint: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            confirmation_email(greeting, ADDRESS, CHANGED[:1])
        assert caught.value.field == "greeting"
        assert hint in caught.value.message


class TestChange:
    def test_invoice_address(self) -> None:
        assert Change.invoice_address("Storgatan 1, 111 22 Staden") == Change(
            "er fakturaadress till Storgatan 1, 111 22 Staden", "fakturaadressen"
        )

    def test_billing_interval(self) -> None:
        assert Change.billing_interval("kvartalsvis") == Change(
            "ert faktureringsintervall till kvartalsvis", "faktureringsintervallet"
        )

    def test_invoice_delivery(self) -> None:
        assert Change.invoice_delivery("e-faktura") == Change(
            "ert utskickssätt för fakturor till e-faktura", "utskickssättet för fakturor"
        )

    def test_presets_fill_both_sentences_of_the_email(self) -> None:
        shown = lines(
            confirmation_email(
                "Företaget", Change.billing_interval("kvartalsvis"), CHANGED[:1], OTHERS[:1]
            )
        )
        assert shown[1] == (
            "Vi har nu ändrat ert faktureringsintervall till kvartalsvis på följande anläggning"
        )
        assert shown[4].startswith("Om ni önskar göra ändring av faktureringsintervallet även där")

    def test_an_address_typed_on_two_lines_stays_in_its_sentence(self) -> None:
        change = Change.invoice_address("  Gatunamnet 123 \r\n\r\n111 111 Staden\n")
        assert change.changed == "er fakturaadress till Gatunamnet 123, 111 111 Staden"
        assert "\n" not in change.changed

    def test_free_change(self) -> None:
        assert Change.custom(" er referens till 4711 ", "referensen") == Change(
            "er referens till 4711", "referensen"
        )

    @pytest.mark.parametrize(
        ("make", "field"),
        [
            (lambda: Change.invoice_address("  "), "change"),
            (lambda: Change.billing_interval(""), "change"),
            (lambda: Change.invoice_delivery("x" * 301), "change"),
            (lambda: Change.custom("", "referensen"), "change"),
            (lambda: Change.custom("er referens till 4711", " "), "offer"),
        ],
    )
    def test_empty_or_too_long_phrases_are_refused(self, make, field: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            make()
        assert caught.value.field == field

    def test_the_limit_applies_to_what_the_agent_typed(self) -> None:
        assert Change.invoice_address("x" * 300).changed.endswith("x" * 300)


class TestCabComment:
    def test_the_date_is_the_stockholm_date(self) -> None:
        late_utc = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
        assert cab_comment(late_utc) == "Ärendet registrerat i Stora ärenden, 2026-11-29"

    def test_summer_time(self) -> None:
        # 22:30 UTC is 00:30 the next day in CEST (UTC+2), but 23:30 in CET.
        assert cab_comment(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)).endswith("2026-07-02")
        assert cab_comment(datetime(2026, 1, 1, 22, 30, tzinfo=UTC)).endswith("2026-01-01")

    def test_stockholm_time_is_kept(self) -> None:
        assert cab_comment(datetime(2026, 3, 5, 8, 0, tzinfo=STOCKHOLM)) == (
            "Ärendet registrerat i Stora ärenden, 2026-03-05"
        )

    def test_a_naive_time_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError):
            cab_comment(datetime(2026, 3, 5, 8, 0))


class TestChecklists:
    def test_close_checklist_names_cab_and_the_mail_log(self) -> None:
        sv = [item.sv for item in CLOSE_CHECKLIST]
        assert sv[0] == "Avsluta ärendet i CAB."
        assert "kundbilden" in sv[1] and "MAICCDIS" in sv[1] and "status avslutat" in sv[1]
        assert all("MAICCDIS" in item.en for item in CLOSE_CHECKLIST[1:])
        assert all(item.sv != item.en for item in CLOSE_CHECKLIST)

    def test_register_reminder(self) -> None:
        assert REGISTER_REMINDER.sv == 'Ändra statusen på ärendet i CAB till "I arbete" utan datum.'
        assert '"I arbete"' in REGISTER_REMINDER.en and "without a date" in REGISTER_REMINDER.en

    @pytest.mark.parametrize(
        ("locale", "expected"), [("en-US", "en"), ("EN", "en"), ("sv-SE", "sv"), (None, "sv")]
    )
    def test_bilingual_picks_by_locale(self, locale, expected: str) -> None:
        assert Bilingual("sv", "en").text(locale) == expected
