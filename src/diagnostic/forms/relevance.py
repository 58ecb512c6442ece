"""XLSForm ``relevant`` conditions: parsed (never `eval`) and evaluated per respondent.

A form says who was asked each question: the question's ``relevant`` and those of the
groups around it. The conditions people write are read here: ``${q}`` references, string
and number literals, ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``and``, ``or``,
``not(…)``, ``selected(${q}, 'x')``, ``count-selected(${q})``, ``true()``, ``false()`` and
parentheses, with the XPath 1.0 rules ODK and Kobo apply (a comparison with a number
compares numbers, an empty answer is the empty string, ``selected`` looks for a word of a
space-separated answer). Anything else raises `RelevanceError`, whose French message the
readers report before falling back to "asked = answered".

>>> values = {"q": pd.Series(["oui", "", "non"])}
>>> evaluate(parse_condition("${q} = 'oui' or ${q} = ''"), values, 3).tolist()
[True, True, False]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


class RelevanceError(ValueError):
    """A condition this module does not evaluate; the message says why, in French."""


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<name>[^}\s]+)\s*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|-)
      | (?P<word>[A-Za-z_][\w.:-]*)
      | (?P<other>\S+)
    )""",
    re.VERBOSE,
)
_FUNCTIONS = {"selected": 2, "not": 1, "count-selected": 1, "true": 0, "false": 0}
_EQUALITY = ("=", "!=")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_RELATIONAL = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Node:
    """One node of a parsed condition: ``kind`` is ref, str, num, call, cmp, and, or, neg."""

    kind: str
    value: object = None
    args: tuple = ()


def _tokens(expression: str) -> list[tuple[str, str]]:
    out = []
    pos, text = 0, expression.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup if m.lastgroup != "name" else "ref"
        if m.group("ref"):
            out.append(("ref", m.group("name")))
        elif kind == "other":
            raise RelevanceError(f"« {m.group('other')} » n'est pas reconnu")
        else:
            out.append((kind, m.group(kind)))  # type: ignore[arg-type]
    return out


class _Parser:
    """Recursive descent over XPath's precedence: or < and < equality < relational < unary."""

    def __init__(self, expression: str):
        self.tokens = _tokens(expression)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise RelevanceError("la condition s'arrête trop tôt")
        if value is not None and tok[1] != value:
            raise RelevanceError(f"« {value} » attendu, « {tok[1]} » trouvé")
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise RelevanceError("la condition est vide")
        node = self.either()
        if self.peek() is not None:
            raise RelevanceError(f"« {self.peek()[1]} » inattendu")  # type: ignore[index]
        return node

    def binary(self, kind: str, word: str, below) -> Node:
        node = below()
        while self.peek() == ("word", word):
            self.take()
            node = Node(kind, args=(node, below()))
        return node

    def either(self) -> Node:
        return self.binary("or", "or", self.both)

    def both(self) -> Node:
        return self.binary("and", "and", self.equality)

    def compare(self, ops, below) -> Node:
        node = below()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ops:
            self.take()
            node = Node("cmp", tok[1], (node, below()))
            for side in node.args if tok[1] in _RELATIONAL else ():
                if side.kind == "str" and not _NUMBER.fullmatch(str(side.value).strip()):
                    # ODK compares dates there; XPath 1.0 would compare NaN: neither is read
                    raise RelevanceError(
                        f"comparaison d'ordre « {tok[1]} » avec le texte '{side.value}' "
                        "(une date ?)"
                    )
        return node

    def equality(self) -> Node:
        return self.compare(_EQUALITY, self.relational)

    def relational(self) -> Node:
        return self.compare(_RELATIONAL, self.unary)

    def unary(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return Node("neg", args=(self.unary(),))
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "ref":
            return Node("ref", value)
        if kind == "string":
            return Node("str", value[1:-1])
        if kind == "number":
            return Node("num", float(value))
        if (kind, value) == ("op", "("):
            node = self.either()
            self.take(")")
            return node
        if kind == "word" and self.peek() == ("op", "("):
            if value not in _FUNCTIONS:
                raise RelevanceError(f"la fonction « {value}() » n'est pas prise en charge")
            self.take("(")
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.either())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.either())
            self.take(")")
            if len(args) != _FUNCTIONS[value]:
                raise RelevanceError(
                    f"« {value}() » attend {_FUNCTIONS[value]} argument(s), {len(args)} donné(s)"
                )
            return Node("call", value, tuple(args))
        raise RelevanceError(f"« {value} » n'est pas pris en charge ici")


def parse_condition(expression: str) -> Node:
    """Parse one XLSForm condition (see the module's docstring for what is read).

    Raises
    ------
    RelevanceError
        For anything outside that list (arithmetic, other functions, ``.``, bad syntax).
    """
    return _Parser(str(expression)).parse()


def references(node: Node) -> set[str]:
    """The question names a parsed condition reads (``${name}``)."""
    if node.kind == "ref":
        return {str(node.value)}
    return set().union(*(references(a) for a in node.args)) if node.args else set()


# evaluation: every value is (kind, array) with kind "str" (object), "num" (float), "bool"
def _as_bool(kind: str, a: np.ndarray) -> np.ndarray:
    if kind == "bool":
        return a
    if kind == "num":
        return ~np.isnan(a) & (a != 0)
    return np.array([len(s) > 0 for s in a], dtype=bool)


def _as_num(kind: str, a: np.ndarray) -> np.ndarray:
    if kind == "num":
        return a
    if kind == "bool":
        return a.astype(float)
    return pd.to_numeric(pd.Series(a, dtype=object).str.strip(), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )


def _compare(op: str, left, right) -> np.ndarray:
    (lk, la), (rk, ra) = left, right
    if op in _RELATIONAL:
        a, b = _as_num(lk, la), _as_num(rk, ra)
    elif "bool" in (lk, rk):
        a, b = _as_bool(lk, la), _as_bool(rk, ra)
    elif "num" in (lk, rk):
        a, b = _as_num(lk, la), _as_num(rk, ra)
    else:
        a, b = la, ra
    with np.errstate(invalid="ignore"):
        result = {
            "=": a == b,
            "!=": a != b,
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
        }[op]
    return np.asarray(result, dtype=bool)


def _eval(node: Node, values: Mapping[str, pd.Series], n: int):
    if node.kind == "ref":
        column = values[str(node.value)]
        return "str", column.astype(object).where(column.notna(), "").to_numpy(dtype=object)
    if node.kind == "str":
        return "str", np.full(n, node.value, dtype=object)
    if node.kind == "num":
        return "num", np.full(n, node.value, dtype=float)
    if node.kind == "neg":
        kind, a = _eval(node.args[0], values, n)
        return "num", -_as_num(kind, a)
    if node.kind in ("and", "or"):
        left, right = (_as_bool(*_eval(a, values, n)) for a in node.args)
        return "bool", (left & right) if node.kind == "and" else (left | right)
    if node.kind == "cmp":
        left, right = (_eval(a, values, n) for a in node.args)
        return "bool", _compare(str(node.value), left, right)
    name = node.value
    if name in ("true", "false"):
        return "bool", np.full(n, name == "true", dtype=bool)
    if name == "not":
        return "bool", ~_as_bool(*_eval(node.args[0], values, n))
    if name == "count-selected":
        _kind, a = _eval(node.args[0], values, n)
        return "num", np.array([len(str(s).split()) for s in a], dtype=float)
    # selected(answer, value): `value` is one word of the space-separated answer
    (_k, answer), (_k2, wanted) = (_eval(a, values, n) for a in node.args)
    wanted = [str(w).strip() for w in wanted]
    return "bool", np.array([w in str(s).split() for s, w in zip(answer, wanted)], dtype=bool)


def evaluate(node: Node, values: Mapping[str, pd.Series], n: int) -> np.ndarray:
    """The condition for each of `n` respondents, as a boolean array.

    Parameters
    ----------
    node : Node
        From `parse_condition`.
    values : mapping of str to Series
        Each referenced question's answer per respondent, in the same order, as the form
        stores it: a choice code, a number, the space-joined codes of a multiple choice,
        missing or "" when not answered.
    n : int
        The number of respondents.
    """
    return _as_bool(*_eval(node, values, n))
