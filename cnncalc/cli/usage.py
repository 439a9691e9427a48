"""typer's own usage errors (an unknown option, a bad choice, a missing argument) in the chosen language.

typer writes these messages with f-strings inside its vendored click, so gettext cannot reach
them. Each one is recognised from its English text, whose forms are fixed, and rebuilt as a
message with the same fields: in English it is typer's text character for character, and
--lang es prints it in Spanish. A form not listed here stays as typer wrote it.
"""

from __future__ import annotations

import re
import sys

from ..i18n import N_, Msg, _, language, tr

_FORMS = (  # typer's English message as a pattern with named fields, and the same text as a template
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {name} (Possible options: {options})")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"No such command '(?P<name>.+)'\.", N_("No such command '{name}'.")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Option '(?P<name>.+)' requires an argument\.", N_("Option '{name}' requires an argument.")),
    (r"Option '(?P<name>.+)' does not take a value\.", N_("Option '{name}' does not take a value.")),
    (r"Got unexpected extra argument\(s\) \((?P<args>.+)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"Invalid value for (?P<name>.+?): (?P<problem>.+)", N_("Invalid value for {name}: {problem}")),
)
_PROBLEMS = (  # what a type says of a bad value, inside "Invalid value for …: …"
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not in the range {range}.")),
    (r"(?P<value>.+) is not a valid integer\.", N_("{value} is not a valid integer.")),
    (r"(?P<value>.+) is not a valid int range\.", N_("{value} is not a valid int range.")),
    (r"(?P<value>.+) is not a valid float\.", N_("{value} is not a valid float.")),
)


def _rebuilt(text: str, forms):
    """text as the Msg of the first form it has, or None (also when the rebuilt English would differ)."""
    for pattern, template in forms:
        m = re.fullmatch(pattern, text, re.S)
        if m:
            values = m.groupdict()
            if "problem" in values:
                values["problem"] = _rebuilt(values["problem"], _PROBLEMS) or values["problem"]
            message = Msg(template, values)
            return message if message == text else None
    return None


def usage_message(e):
    """typer's message for a usage error, as a translatable message (its English unchanged)."""
    text = e.format_message()
    return _rebuilt(text, _FORMS) or text


def show(e) -> None:
    """e.show(), in the chosen language: the usage line, where to find help, and the error."""
    if language() == "en" or type(e).__name__ == "NoArgsIsHelpError":
        e.show()
        return
    lines = []
    if getattr(e, "ctx", None) is not None:
        usage = e.ctx.get_usage()
        lines.append(_("Usage:") + usage[len("Usage:"):] if usage.startswith("Usage:") else usage)
        lines.append(_("Try '{command} --help' for help.").format(command=e.ctx.command_path))
        lines.append("")
    lines.append(_("Error: {message}").format(message=tr(usage_message(e))))
    sys.stderr.write("\n".join(lines) + "\n")
