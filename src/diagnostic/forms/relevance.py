"""XLSForm ``relevant`` conditions: parsed (never `eval`) and evaluated per respondent.

A form says who was asked each question: the question's ``relevant`` and those of the
groups around it. The conditions people write are read here: ``${q}`` references, string
and number literals, ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``and``, ``or``,
``not(…)``, ``selected(${q}, 'x')``, ``count-selected(${q})``, ``true()``, ``false()`` and
parentheses, with the XPath 1.0 rules ODK and Kobo apply (a comparison with a number
compares numbers, an empty answer is the empty string, ``selected`` looks for a word of a
space-separated answer); a comparison with a date written ``'AAAA-MM-JJ'`` compares days,
as ODK compares dates (a blank or a value that is not a date compares false), and
``decimal-date-time(…)`` counts the days since 1970-01-01 (to the day). ``today()`` is not
read: it is the day the respondent filled the form in, which the export does not always
hold. Anything else raises `RelevanceError`, whose French message the
readers report before falling back to "asked = answered".

LimeSurvey's relevance equations (ExpressionScript, ``syntax="limesurvey"``) are read into
the same nodes: bare variable names (``Q1``, ``Q1_SQ001``) with the suffixes ``.NAOK``,
``.code``, ``.value`` and ``.shown`` (the answer's label), string and number literals,
``==``/``eq``, ``!=``/``ne``, ``<``/``lt``, ``<=``/``le``, ``>``/``gt``, ``>=``/``ge``,
``and``/``&&``, ``or``/``||``, ``!``/``not``, ``is_empty(…)``, ``count(…)`` (how many
of its arguments are not empty) and parentheses. As in LimeSurvey's Expression Manager, a
variable named without ``.NAOK`` makes the whole condition false for a respondent to whom
that question was not shown (`strict_references`); a comparison of two numbers compares
numbers, otherwise texts (an order comparison with a text that is not a number is refused,
as for XLSForm). The survey's SGQA codes (``245554X4X20``) are rewritten as question
codes by `diagnostic.forms.limesurvey` before parsing.

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
_FUNCTIONS = {
    "selected": 2,
    "not": 1,
    "count-selected": 1,
    "true": 0,
    "false": 0,
    "decimal-date-time": 1,
}
#: functions of the day a form was filled in, which an export does not always keep
_TODAY = ("today", "now")
_LS_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'[^']*'|"[^"]*")
      | (?P<number>\d+(?:\.\d*)?(?![\w])|\.\d+)
      | (?P<op>==|!=|<=|>=|&&|\|\||<|>|!|\(|\)|,|-)
      | (?P<word>[A-Za-z_][\w]*(?:\.[A-Za-z]+)?)
      | (?P<other>\S+)
    )""",
    re.VERBOSE,
)
#: ExpressionScript's word and symbol operators, as the XPath tokens the parser reads
_LS_WORDS = {
    "eq": ("op", "="),
    "==": ("op", "="),
    "ne": ("op", "!="),
    "lt": ("op", "<"),
    "le": ("op", "<="),
    "gt": ("op", ">"),
    "ge": ("op", ">="),
    "&&": ("word", "and"),
    "||": ("word", "or"),
    "and": ("word", "and"),
    "or": ("word", "or"),
    "!": ("op", "!"),
    "not": ("op", "!"),
}
#: ExpressionScript functions read (-1: any number of arguments, at least one)
_LS_FUNCTIONS = {"is_empty": 1, "count": -1}
#: ExpressionScript variable suffixes: how the variable is read (see `Node.attr`)
_LS_SUFFIXES = {"NAOK": "", "code": "strict", "value": "strict", "shown": "shown"}
_EQUALITY = ("=", "!=")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_RELATIONAL = ("<", "<=", ">", ">=")
#: a date written as ODK and LimeSurvey store them: compared as a date (day precision)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Node:
    """One node of a parsed condition: ``kind`` is ref, str, num, date, call, cmp, and, or,
    neg (``date``: a literal ``'AAAA-MM-JJ'`` compared with something, as ODK compares
    dates).

    ``attr`` of a LimeSurvey variable (``ref``): "strict" when named without ``.NAOK``
    (the condition is false where that question was not shown), "shown" for ``.shown``
    (its answer's label, strict too), "" otherwise.
    """

    kind: str
    value: object = None
    args: tuple = ()
    attr: str = ""


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


def _ls_tokens(expression: str) -> list[tuple[str, str]]:
    """ExpressionScript tokens, with its operators spelled as XPath's and its variables as
    ``ref`` tokens (``name`` or ``name.suffix``)."""
    out: list[tuple[str, str]] = []
    pos, text = 0, expression.strip()
    while pos < len(text):
        m = _LS_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        kind = str(m.lastgroup)
        value = m.group(kind)
        if kind == "other":
            raise RelevanceError(f"« {value} » n'est pas reconnu")
        word = value.lower() if kind == "word" else value  # LimeSurvey writes AND, OR
        if word in _LS_WORDS and kind in ("op", "word"):
            out.append(_LS_WORDS[word])
        elif kind == "word" and not re.match(r"\s*\(", text[pos:]):
            out.append(("ref", value))
        else:
            out.append((kind, value))
    return out


class _Parser:
    """Recursive descent over XPath's precedence: or < and < equality < relational < unary."""

    def __init__(self, expression: str, syntax: str = "xlsform"):
        self.limesurvey = syntax == "limesurvey"
        self.tokens = _ls_tokens(expression) if self.limesurvey else _tokens(expression)
        self.functions = _LS_FUNCTIONS if self.limesurvey else _FUNCTIONS
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
            sides = tuple(
                Node("date", side.value)
                if side.kind == "str" and _DATE.fullmatch(str(side.value).strip())
                else side
                for side in (node, below())
            )
            node = Node("cmp", tok[1], sides)
            for side in sides if tok[1] in _RELATIONAL else ():
                if side.kind == "str" and not _NUMBER.fullmatch(str(side.value).strip()):
                    # XPath 1.0 would compare NaN: not read
                    raise RelevanceError(
                        f"comparaison d'ordre « {tok[1]} » avec le texte '{side.value}' "
                        "(une date s'écrit 'AAAA-MM-JJ')"
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
        if self.peek() == ("op", "!"):
            self.take()
            return Node("call", "not", (self.unary(),))
        return self.primary()

    def variable(self, value: str) -> Node:
        if not self.limesurvey:
            return Node("ref", value)
        name, _dot, suffix = value.partition(".")
        if suffix and suffix not in _LS_SUFFIXES:
            raise RelevanceError(f"le suffixe « .{suffix} » de « {name} » n'est pas pris en charge")
        return Node("ref", name, attr=_LS_SUFFIXES[suffix] if suffix else "strict")

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "ref":
            return self.variable(value)
        if kind == "string":
            return Node("str", value[1:-1])
        if kind == "number":
            return Node("num", float(value))
        if (kind, value) == ("op", "("):
            node = self.either()
            self.take(")")
            return node
        if kind == "word" and self.peek() == ("op", "("):
            if value in _TODAY and not self.limesurvey:
                raise RelevanceError(
                    f"« {value}() » est le jour où le répondant a rempli le formulaire, "
                    "pas celui de l'analyse : non évalué"
                )
            if value not in self.functions:
                raise RelevanceError(f"la fonction « {value}() » n'est pas prise en charge")
            self.take("(")
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.either())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.either())
            self.take(")")
            wanted = self.functions[value]
            if len(args) != wanted and not (wanted < 0 and args):
                raise RelevanceError(
                    f"« {value}() » attend {wanted} argument(s), {len(args)} donné(s)"
                    if wanted >= 0
                    else f"« {value}() » attend au moins un argument"
                )
            return Node("call", value, tuple(args))
        raise RelevanceError(f"« {value} » n'est pas pris en charge ici")


def parse_condition(expression: str, syntax: str = "xlsform") -> Node:
    """Parse one condition (see the module's docstring for what is read).

    Parameters
    ----------
    expression : str
        An XLSForm ``relevant``, or a LimeSurvey relevance equation.
    syntax : {"xlsform", "limesurvey"}
        Which of the two languages `expression` is written in.

    Raises
    ------
    RelevanceError
        For anything outside that list (arithmetic, other functions, ``.``, bad syntax).
    """
    return _Parser(str(expression), syntax).parse()


def references(node: Node) -> set[str]:
    """The question names a parsed condition reads (``${name}``, or LimeSurvey variables)."""
    if node.kind == "ref":
        return {str(node.value)}
    return set().union(*(references(a) for a in node.args)) if node.args else set()


def undated_references(node: Node) -> set[str]:
    """The names read otherwise than compared with a date literal (``'AAAA-MM-JJ'``) or
    tested for blank (``= ''``, ``is_empty``), nor counted in days (``decimal-date-time``)."""
    if node.kind == "ref":
        return {str(node.value)}
    if node.kind == "cmp" and any(a.kind == "date" for a in node.args):
        return set()
    blank = Node("str", "")
    if node.kind == "cmp" and node.value in _EQUALITY and blank in node.args:
        return set()
    if node.kind == "call" and node.value in ("is_empty", "decimal-date-time"):
        return set()
    return set().union(*(undated_references(a) for a in node.args)) if node.args else set()


def strict_references(node: Node) -> set[str]:
    """The LimeSurvey variables named without ``.NAOK``: the condition is false for a
    respondent to whom any of these questions was not shown."""
    if node.kind == "ref":
        return {str(node.value)} if node.attr else set()
    return set().union(*(strict_references(a) for a in node.args)) if node.args else set()


def label_references(node: Node) -> set[str]:
    """The LimeSurvey variables read as their answer's label (``.shown``)."""
    if node.kind == "ref":
        return {str(node.value)} if node.attr == "shown" else set()
    return set().union(*(label_references(a) for a in node.args)) if node.args else set()


def shown_key(name: str) -> str:
    """The key of `evaluate`'s `values` that holds `name`'s answers as labels."""
    return f"{name}.shown"


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


def _as_text(kind: str, a: np.ndarray) -> np.ndarray:
    """A value as LimeSurvey's Expression Manager sees it to tell empty from filled."""
    if kind == "str":
        return a
    return np.array(["" if kind == "num" and np.isnan(v) else str(v) for v in a], dtype=object)


def _as_date(a: np.ndarray) -> np.ndarray:
    """Days as ``datetime64[D]``, NaT where the value is not a date (blank included): a
    date, or a date and time (ODK's ``dateTime``, a spreadsheet's date) cut to its day."""
    text = pd.Series(a, dtype=object).astype(str).str.strip().str.slice(0, 10)
    days = pd.to_datetime(text.where(text.str.fullmatch(_DATE.pattern)), format="%Y-%m-%d")
    return days.to_numpy(dtype="datetime64[D]")


def _compare(op: str, left, right) -> np.ndarray:
    (lk, la), (rk, ra) = left, right
    if "date" in (lk, rk):  # NaT compares false, != true: as XPath's NaN
        a, b = _as_date(la), _as_date(ra)
    elif op in _RELATIONAL:
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
        column = values[shown_key(str(node.value)) if node.attr == "shown" else str(node.value)]
        return "str", column.astype(object).where(column.notna(), "").to_numpy(dtype=object)
    if node.kind == "str":
        return "str", np.full(n, node.value, dtype=object)
    if node.kind == "num":
        return "num", np.full(n, node.value, dtype=float)
    if node.kind == "date":
        return "date", np.full(n, node.value, dtype=object)
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
    if name == "is_empty":
        return "bool", ~_as_bool("str", _as_text(*_eval(node.args[0], values, n)))
    if name == "count":
        filled = [_as_bool("str", _as_text(*_eval(a, values, n))) for a in node.args]
        return "num", np.sum(filled, axis=0).astype(float)
    if name == "decimal-date-time":  # days since 1970-01-01, as ODK counts them
        kind, a = _eval(node.args[0], values, n)
        days = _as_date(a) if kind != "num" else None
        if days is None:
            return "num", a
        epoch = (days - np.datetime64("1970-01-01", "D")).astype(float)
        return "num", np.where(np.isnat(days), np.nan, epoch)
    if name == "count-selected":
        _kind, a = _eval(node.args[0], values, n)
        return "num", np.array([len(str(s).split()) for s in a], dtype=float)
    # selected(answer, value): `value` is one word of the space-separated answer
    (_k, answer), (_k2, wanted) = (_eval(a, values, n) for a in node.args)
    wanted = [str(w).strip() for w in wanted]
    return "bool", np.array([w in str(s).split() for s, w in zip(answer, wanted)], dtype=bool)


def evaluate(
    node: Node,
    values: Mapping[str, pd.Series],
    n: int,
    shown: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """The condition for each of `n` respondents, as a boolean array.

    Parameters
    ----------
    node : Node
        From `parse_condition`.
    values : mapping of str to Series
        Each referenced question's answer per respondent, in the same order, as the form
        stores it: a choice code, a number, the space-joined codes of a multiple choice,
        missing or "" when not answered.
        For ``.shown`` (LimeSurvey), the labels under `shown_key` (name).
    n : int
        The number of respondents.
    shown : mapping of str to bool array, optional
        For each of `strict_references` (LimeSurvey), to whom that question was shown (a
        question absent from it was shown to every respondent).
    """
    result = _as_bool(*_eval(node, values, n))
    for name in strict_references(node) if shown is not None else ():
        if name in shown:  # type: ignore[operator]
            result = result & shown[name]  # type: ignore[index]
    return result
