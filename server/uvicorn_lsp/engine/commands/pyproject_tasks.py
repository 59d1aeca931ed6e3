"""pyproject.toml task runners: `[tool.poe.tasks]`, `[tool.pdm.scripts]`, `[tool.taskipy.tasks]`,
`[tool.hatch.envs.*.scripts]`; each string command run from the pyproject's folder, or from the
task's own folder (poe's `cwd`, pdm's `working_dir`).

tomllib gives no positions, so this reads the few shapes task tables take, line by line:
`name = "cmd"`, `name = { cmd = "..." }` (also `shell`), `name = ["cmd", ...]` (hatch),
`[tool.poe.tasks.name]` tables with `cmd = "..."`, and the same table in dotted keys (`name.cmd = "..."`,
`name.cwd = "backend"`). Basic strings decode their escapes with places; multi-line strings are not read.
"""

from __future__ import annotations

import re

from .. import layout
from ..launch import Launch, Setting
from ..model import Position, Range
from ..values import Value
from .base import CommandContext, WorkingDirectory, host_directory, shell_launches
from .recognise import CommandInfo
from .text import Placed

_TABLES = (
    re.compile(r"^tool\.poe\.tasks(\.[\w-]+)?$"),
    re.compile(r"^tool\.pdm\.scripts(\.[\w-]+)?$"),
    re.compile(r"^tool\.taskipy\.tasks$"),
    re.compile(r"^tool\.hatch\.envs\.[\w-]+\.scripts$"),
)
_COMMAND_KEYS = ("cmd", "shell")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "b": "\b", "f": "\f"}
TOML_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def pyproject_launches(ctx: CommandContext) -> list[Launch]:
    environment = _runner_environment(ctx)
    table_folders = _task_table_folders(ctx.source.lines)
    dotted_folders, dotted_variables = _dotted_task_settings(ctx.source.lines)
    taskipy_folder, taskipy_variables = _taskipy_settings(ctx.source.lines)
    found = []
    table = ""
    for number, line in enumerate(ctx.source.lines):
        stripped = line.strip()
        header = re.match(r"^\[\s*([\w.\"'-]+)\s*\]", stripped)
        if header is not None and not stripped.startswith("[["):
            table = header.group(1).replace('"', "").replace("'", "")
            continue
        if not any(pattern.match(table) for pattern in _TABLES):
            continue
        assignment = re.match(r"^\s*([\w.\"'-]+)\s*=\s*", line)
        if assignment is None:
            continue
        key = assignment.group(1).strip("\"'")
        value_text = line[assignment.end() :]
        in_task_table = table.count(".") >= 3 and table.startswith(("tool.poe.tasks.", "tool.pdm.scripts."))
        if in_task_table and key not in _COMMAND_KEYS:
            continue
        # `dev.cmd = "..."` is the `cmd` of task `dev` (`dev.help`, `dev.cwd`, `dev.env...` are not commands).
        task, dotted, attribute = (
            key.partition(".") if not assignment.group(1).startswith(('"', "'")) else (key, "", "")
        )
        if dotted and attribute not in _COMMAND_KEYS:
            continue
        inline_table = value_text.lstrip().startswith("{")
        if inline_table:
            folder = _FOLDER_KEY.search(value_text)
        elif in_task_table:
            folder = table_folders.get(table)
        else:
            folder = dotted_folders.get((table, task)) if dotted else None
        taskipy = table == "tool.taskipy.tasks"
        if taskipy and folder is None:
            folder = taskipy_folder  # `[tool.taskipy.settings] cwd`, which a task's own `cwd` overrides
        own_folder = host_directory(ctx.folder, "the pyproject's folder")
        directory: WorkingDirectory | None = own_folder
        if folder is not None:  # poe's `cwd`, pdm's `working_dir`: relative to the pyproject's folder
            written = folder.group("folder")[1:-1]
            unknown = "$" in written or "\\" in written or written.startswith(("/", "~"))
            directory = None if unknown else own_folder.moved(written)
        placeholders = None
        if table.startswith("tool.pdm.scripts"):
            placeholders = _PDM_PLACEHOLDER
        elif taskipy:
            written = _USE_VARS.search(value_text) if inline_table else None
            uses_variables = (written.group(1) == "true") if written else dotted_variables.get(task) if dotted else None
            if taskipy_variables if uses_variables is None else uses_variables:
                placeholders = _TASKIPY_VARIABLE
        for string in _strings(number, assignment.end(), value_text, inline_table=inline_table):
            if placeholders is not None:
                string = _placeholders_unknown(string, placeholders)
            info = CommandInfo("pyproject", where=f"task {key}")
            found.extend(shell_launches(ctx, string, info, Setting.DEVELOPMENT, directory, environment))
    return found


# The folder a poe or pdm task runs in, when it names one (else the pyproject's folder).
_FOLDER_KEY = re.compile(r"""(?:^|[{,\s])(?:cwd|working_dir)\s*=\s*(?P<folder>"[^"\n]*"|'[^'\n]*')""")


def _task_table_folders(lines: list[str]) -> dict[str, re.Match[str]]:
    """`[tool.poe.tasks.name]` / `[tool.pdm.scripts.name]` tables that set the task's folder, wherever in the table."""
    folders = {}
    table = ""
    for line in lines:
        header = re.match(r"^\s*\[\s*([\w.\"'-]+)\s*\]", line)
        if header is not None:
            table = header.group(1).replace('"', "").replace("'", "")
        elif table.startswith(("tool.poe.tasks.", "tool.pdm.scripts.")):
            folder = _FOLDER_KEY.match(line.strip())
            if folder is not None:
                folders[table] = folder
    return folders


_DOTTED_FOLDER = re.compile(r"""^\s*(?P<task>[\w-]+)\.(?:cwd|working_dir)\s*=\s*(?P<folder>"[^"\n]*"|'[^'\n]*')""")
_DOTTED_USE_VARS = re.compile(r"^\s*(?P<task>[\w-]+)\.use_vars\s*=\s*(?P<value>true|false)\b")


def _dotted_task_settings(lines: list[str]) -> tuple[dict[tuple[str, str], re.Match[str]], dict[str, bool]]:
    """A task table written in dotted keys in the runner's table (`dev.cmd = "..."` with `dev.cwd = "backend"`, as
    poe's, pdm's and taskipy's documentation allow): the folder of each (table, task) that names one, and the
    taskipy tasks that say whether they use variables (`dev.use_vars = true`)."""
    folders: dict[tuple[str, str], re.Match[str]] = {}
    use_vars: dict[str, bool] = {}
    table = ""
    for line in lines:
        header = re.match(r"^\s*\[\s*([\w.\"'-]+)\s*\]", line)
        if header is not None:
            table = header.group(1).replace('"', "").replace("'", "")
        elif table in ("tool.poe.tasks", "tool.pdm.scripts", "tool.taskipy.tasks"):
            folder = _DOTTED_FOLDER.match(line)
            if folder is not None:
                folders[(table, folder.group("task"))] = folder
            variables = _DOTTED_USE_VARS.match(line)
            if variables is not None and table == "tool.taskipy.tasks":
                use_vars[variables.group("task")] = variables.group("value") == "true"
    return folders, use_vars


# What the runner puts in place of the text before the command runs: pdm's `{args}` (the task's arguments, or
# the default after the colon) and `{pdm}`; taskipy's `{name}` with `use_vars` (`[tool.taskipy.variables]`).
_PDM_PLACEHOLDER = re.compile(r"\{(?:args(?::[^{}]*)?|pdm)\}")
_TASKIPY_VARIABLE = re.compile(r"\{\w+\}")
_USE_VARS = re.compile(r"(?:^|[{,\s])use_vars\s*=\s*(true|false)")


def _placeholders_unknown(string: Placed, placeholders: re.Pattern[str]) -> Placed:
    """`string` with each placeholder written as a shell expansion (`{args:main:app}` as `${args:main:app}`): a
    value only the runner knows, so nothing is judged from it. Not written as in the file: no fix edits it."""
    found = list(placeholders.finditer(string.text))
    if not found:
        return string
    text, places, at = "", [], 0
    for match in found:
        text += string.text[at : match.start()] + "$"
        places += [*string.places[at : match.start()], string.places[match.start()]]
        at = match.start()
    return Placed(text + string.text[at:], (*places, *string.places[at:]), verbatim=False)


def _taskipy_settings(lines: list[str]) -> tuple[re.Match[str] | None, bool]:
    """`[tool.taskipy.settings]`: the folder every task runs in (`cwd`), and whether tasks use variables."""
    folder, use_vars = None, False
    table = ""
    for line in lines:
        header = re.match(r"^\s*\[\s*([\w.\"'-]+)\s*\]", line)
        if header is not None:
            table = header.group(1).replace('"', "").replace("'", "")
        elif table == "tool.taskipy.settings":
            folder = _FOLDER_KEY.match(line.strip()) or folder
            use_vars = use_vars or re.match(r"^\s*use_vars\s*=\s*true\b", line) is not None
    return folder, use_vars


_RUNNER_TABLES = ("tool.poe", "tool.pdm", "tool.hatch")
# A TOML key (`PYTHONPATH = "src"`, `{ "PYTHONPATH" = ...}`), not a command's own `PYTHONPATH=src uvicorn ...`.
_PYTHONPATH_KEY = re.compile(r"""\bPYTHONPATH["']?\s*=\s*["']""")
_ENV_FILE = re.compile(r"""^\s*(?:[\w-]+\.)?(?:envfile|env_file|env-file)\s*=\s*(?:["']([^"']*)["'])?""")


def _runner_environment(ctx: CommandContext) -> dict[str, tuple[Value, Range]]:
    """PYTHONPATH, value not followed, for every task when a runner's table sets it (poe and pdm `env`,
    hatch `env-vars`) or loads an env file that may: which tasks it reaches is not worked out."""
    table = ""
    for number, line in enumerate(ctx.source.lines):
        header = re.match(r"^\s*\[+\s*([\w.\"'-]+)", line)
        if header is not None:
            table = header.group(1).replace('"', "").replace("'", "")
        if not table.startswith(_RUNNER_TABLES):
            continue
        env_file = _ENV_FILE.match(line) or re.search(r"[{,]\s*(?:envfile|env_file)\s*=\s*[\"']([^\"']*)", line)
        sets = _PYTHONPATH_KEY.search(line) is not None or (
            env_file is not None
            and (
                env_file.group(1) is None
                or layout.env_file_sets_pythonpath(ctx.folder / env_file.group(1), ctx.depends_on) is not False
            )
        )
        if sets:
            return {"PYTHONPATH": (Value(None, "PYTHONPATH"), Range.of((number, 0), (number, len(line))))}
    return {}


def _strings(line: int, column: int, text: str, inline_table: bool) -> list[Placed]:
    """The command strings of one value: the string itself, an inline table's `cmd`/`shell`, a list's items."""
    found = []
    for match in TOML_STRING.finditer(text):
        if inline_table:
            before = text[: match.start()]
            key = re.search(r"([\w-]+)\s*=\s*$", before)
            if key is None or key.group(1) not in _COMMAND_KEYS:
                continue
        found.append(decoded_toml_string(line, column + match.start(), match.group()))
        if not inline_table and not text.lstrip().startswith("["):
            break
    return found


def decoded_toml_string(line: int, column: int, raw: str) -> Placed:
    """A one-line TOML string (`"..."` with escapes, `'...'` literal), decoded, each character at its place."""
    chars: list[str] = []
    places: list[Position] = []
    verbatim = True
    index = 1
    while index < len(raw) - 1:
        char = raw[index]
        if raw[0] == '"' and char == "\\":
            code = raw[index + 1]
            verbatim = False
            if code in "uU":
                size = 4 if code == "u" else 8
                try:
                    chars.append(chr(int(raw[index + 2 : index + 2 + size], 16)))
                except ValueError:
                    chars.append(code)
                places.append(Position(line, column + index))
                index += 2 + size
                continue
            chars.append(_ESCAPES.get(code, code))
            places.append(Position(line, column + index))
            index += 2
            continue
        chars.append(char)
        places.append(Position(line, column + index))
        index += 1
    places.append(Position(line, column + len(raw) - 1))
    return Placed("".join(chars), tuple(places), verbatim)
