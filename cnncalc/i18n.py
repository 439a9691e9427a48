"""The language of every user-facing text (README "En español"), through the standard library's gettext.

English is the source language: every text is written in English in the code and looked up
in the package's catalogue (cnncalc/locale/es/LC_MESSAGES/cnncalc.mo, compiled from the .po
files beside it by docs/make_catalogue.py) only when another language is chosen. So the
English path loads no catalogue and costs nothing on `cnncalc summarize`.

Three markers, all found by tests/i18n/test_catalogue.py, which fails when one of their
texts has no translation:
    _("Total params")                 translate now (render code, at the moment it prints)
    N_("Total params")                mark only: a text defined at import time, translated later by tr()
    T("cannot read {what}", what=x)   a message built now and translated when it is shown: a str
                                      holding the English text, its template and values. Diagnostics
                                      are built this way, so an error raised before the language is
                                      known, or kept by a library user, still prints in the chosen one.
Templates use str.format fields with names ({layer}, {n:,}); a translation keeps the same fields.
JSON keys, error codes and slugs never change with the language; JSON messages do.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "es")
DOMAIN = "cnncalc"
_state = {"lang": "en", "catalogue": None}


def locale_dir() -> str:
    return os.path.join(os.path.dirname(__file__), "locale")


def normalise(value: str | None) -> str | None:
    """'es', 'es_UY.UTF-8', 'ES-uy' -> 'es'; 'C', 'POSIX', '' -> None; any other language -> its code."""
    if not value:
        return None
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return None if code in ("", "c", "posix") else code


def from_environment(environ=None) -> str:
    """The language the locale asks for, in gettext's order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG);
    a language cnncalc does not speak falls back to English, as gettext does."""
    environ = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if not value:
            continue
        for part in value.split(":") if var == "LANGUAGE" else (value,):
            code = normalise(part)
            if code in LANGUAGES:
                return code
        return "en"  # the first variable that is set decides, as in gettext
    return "en"


def set_language(lang: str) -> None:
    """Choose the language of everything printed from now on ('en' or 'es')."""
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _state["lang"] = lang
    _state["catalogue"] = None
    if lang != "en":
        import gettext

        # fallback: a package installed without its catalogue speaks English rather than failing
        _state["catalogue"] = gettext.translation(DOMAIN, locale_dir(), languages=[lang], fallback=True)


def language() -> str:
    return _state["lang"]


def _(message: str) -> str:
    catalogue = _state["catalogue"]
    return message if catalogue is None else catalogue.gettext(message)


def N_(message: str) -> str:
    return message


class Msg(str):
    """English text that remembers how it was made, so tr() can say it in another language."""

    __slots__ = ("template", "values")

    def __new__(cls, template: str, values: dict):
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self


def T(template: str, **values) -> Msg:
    return Msg(template, values)


def tr(text):
    """A text in the chosen language: a Msg through its template, a plain str as a literal
    (N_-marked) text; None stays None. Values that are themselves Msgs are translated too."""
    if text is None or _state["catalogue"] is None:
        return text
    if isinstance(text, Msg):
        values = {k: tr(v) if isinstance(v, Msg) else v for k, v in text.values.items()}
        return _(text.template).format(**values) if values else _(text.template)
    return _(text)


def take_language(argv: list) -> tuple:
    """(language asked for, argv without it): `--lang es` or `--lang=es` anywhere before a `--`.

    The one reader of --lang. It runs before typer sees the command line: typer builds its help
    texts when cnncalc.cli is imported, so the language must be known first (cnncalc/entry.py).
    None when --lang is not given (then the locale decides: from_environment). A value that is
    not a language cnncalc speaks is an option error (E004, exit 2)."""
    rest, lang, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--lang" or arg.startswith("--lang="):
            if arg == "--lang":
                if i + 1 >= len(argv):
                    raise _bad_language(None)
                value, i = argv[i + 1], i + 2
            else:
                value, i = arg[len("--lang="):], i + 1
            lang = normalise(value)
            if lang not in LANGUAGES:
                raise _bad_language(value)
            continue
        rest.append(arg)
        i += 1
    return lang, rest


def _bad_language(value):
    from .errors import Option, fail

    choices = ", ".join(LANGUAGES)
    if value is None:
        return fail("E004", T("--lang needs a value: {choices}", choices=choices), Option("--lang"),
                    T("e.g. --lang es"))
    return fail("E004", T("'{value}' is not a language cnncalc speaks", value=value), Option("--lang"),
                T("choose from {choices} (a locale such as es_UY works too)", choices=choices))


def choose_language(argv: list) -> list:
    """Set the language for this run from argv (--lang) or else the locale; return argv without --lang.
    A bad --lang raises its E004, which is then said in the locale's language."""
    lang, rest = None, argv
    try:
        lang, rest = take_language(argv)
    finally:
        set_language(lang or from_environment())
    return rest
