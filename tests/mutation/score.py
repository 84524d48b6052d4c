"""The kill rate of ``make mutation``: overall, and leaving out message text.

Reads what ``mutmut run`` left in ``mutants/``: each module's ``.meta`` holds an
exit code per mutant, and the mutated module holds each function as it was
(``…__mutmut_orig``) and as each mutant has it (``…__mutmut_<n>``).

The rate is killed / (killed + survived + timed out): a mutant of a function
no test in tests/cases calls ("no tests") is counted apart, as mutmut does.
A mutant is *message text* when all it changes is a sentence: a string
literal of two words or more (a refusal, a routine step, a label, an error for
developers) respelt ("XX…XX", upper or lower case), replaced by None, or left
out. A mutant of any other string (a status, a separator, "") is code.

    python -m tests.mutation.score [mutants dir]
"""

from __future__ import annotations

import ast
import difflib
import io
import json
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

_OUTCOMES = {
    **dict.fromkeys((1, 3, 37), "killed"),  # a test failed, pytest failed, the type check
    0: "survived",
    **dict.fromkeys((5, 33), "no tests"),
    **dict.fromkeys((24, -24, 36, 152, 255), "timeout"),
    None: "not checked",
}
_TWO_WORDS = re.compile(r"[^\W\d_]+ +[^\W\d_]+")
_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
_COMMA = (tokenize.OP, ",")
_NONE = (tokenize.NAME, "None")

Token = tuple[int, str]


def _functions(module: Path) -> dict[str, str]:
    source = module.read_text("utf-8")
    return {
        node.name: ast.get_source_segment(source, node, padded=True) or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name
    }


def _tokens(source: str, name: str) -> list[Token]:
    """The function's tokens, its own name and its layout left out."""
    indent = len(source) - len(source.lstrip(" "))
    dedented = "".join(line[indent:] for line in source.splitlines(True))
    return [
        (t.type, "" if t.string == name else t.string)
        for t in tokenize.generate_tokens(io.StringIO(dedented).readline)
        if t.type not in _LAYOUT
    ]


def _sentence(token: Token) -> bool:
    return token[0] == tokenize.STRING and bool(_TWO_WORDS.search(token[1]))


def is_message_text(original: list[Token], mutant: list[Token]) -> bool:
    """Does ``mutant`` differ from ``original`` only in sentences?"""
    matcher = difflib.SequenceMatcher(None, original, mutant, autojunk=False)
    changes = [
        (original[i1:i2], mutant[j1:j2])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
    return bool(changes) and all(
        any(_sentence(t) for t in before)
        and all(_sentence(t) or t == _COMMA for t in before)
        and all(t[0] == tokenize.STRING or t in (_NONE, _COMMA) for t in after)
        for before, after in changes
    )


def outcomes(mutants: Path) -> dict[str, Counter[str]]:
    """Outcome counts of all mutants, and of those that are not message text."""
    counts: dict[str, Counter[str]] = {"all": Counter(), "code": Counter()}
    for meta in sorted(mutants.rglob("*.py.meta")):
        functions = _functions(meta.with_suffix(""))
        for key, code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items():
            name = key.rsplit(".", 1)[1]
            orig = re.sub(r"__mutmut_\d+$", "__mutmut_orig", name)
            outcome = _OUTCOMES.get(code, "other")
            counts["all"][outcome] += 1
            if not is_message_text(_tokens(functions[orig], orig), _tokens(functions[name], name)):
                counts["code"][outcome] += 1
    return counts


def _line(title: str, counts: Counter[str]) -> str:
    tested = counts["killed"] + counts["survived"] + counts["timeout"]
    rate = 100 * counts["killed"] / tested if tested else 0.0
    rest = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k != "killed")
    return f"{title}: {counts['killed']} of {tested} killed ({rate:.1f}%); {rest}"


def main() -> None:
    counts = outcomes(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants"))
    text = sum(counts["all"].values()) - sum(counts["code"].values())
    print(_line("all mutants", counts["all"]))
    print(_line(f"leaving out message text ({text} mutants)", counts["code"]))


if __name__ == "__main__":
    main()
