"""Read a framework export file into a validated `FrameworkExport`.

Every failure becomes one `InvalidInput` line naming the file and the JSON path
of the problem, e.g. `bad.json: $.framework.levels.emerging.statements[2]: must not be empty`.
"""

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from issuer.errors import InvalidInput
from issuer.model.framework import FrameworkExport

MAX_EXPORT_BYTES = 5 * 1024 * 1024


def read_export(path: Path) -> tuple[FrameworkExport, str]:
    """Return the validated export in `path` and its raw text; raise `InvalidInput` if malformed."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"{path}: cannot read file ({err.strerror})") from err
    return parse_export(raw, source=str(path))


def parse_export(raw: bytes | str, *, source: str) -> tuple[FrameworkExport, str]:
    """Return the validated export in `raw` and its text; `source` names it in error messages."""
    if len(raw) > MAX_EXPORT_BYTES:
        raise InvalidInput(f"{source}: file is larger than {MAX_EXPORT_BYTES} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as err:
        raise InvalidInput(f"{source}: not UTF-8 text (byte {err.start})") from err
    data = _parse_json(text, source)
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: $: expected a JSON object, got {_json_type(data)}")
    version = data.get("schemaVersion")
    if "schemaVersion" in data and version != "1.0":
        raise InvalidInput(
            f"{source}: $.schemaVersion: unknown schema version {json.dumps(version)} "
            '(this tool reads "1.0")'
        )
    try:
        export = FrameworkExport.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(f"{source}: {describe_first_error(err)}") from err
    return export, text


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        if not text.strip():
            raise InvalidInput(f"{source}: not JSON: the file is empty") from err
        truncated = err.pos >= len(text.rstrip())
        hint = " (the file looks truncated)" if truncated else ""
        raise InvalidInput(
            f"{source}: not valid JSON at line {err.lineno} column {err.colno}: {err.msg}{hint}"
        ) from err


def describe_first_error(err: ValidationError) -> str:
    """Return `<JSON path>: <message>` for the first problem pydantic found."""
    first = err.errors(include_url=False)[0]
    path = json_path(first["loc"])
    message = _message(first)
    return f"{path}: {message}"


def json_path(loc: tuple[int | str, ...]) -> str:
    """Return a JSONPath such as `$.framework.levels.emerging.statements[3]` for a pydantic loc."""
    parts = ["$"]
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item.isidentifier() or item.replace("-", "_").isidentifier():
            parts.append(f".{item}")
        else:
            parts.append(f"[{json.dumps(item, ensure_ascii=False)}]")
    return "".join(parts)


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch" and error["loc"][-1] == "soc":
        return f"malformed SOC code {json.dumps(error['input'])} (expected NN-NNNN.NN, e.g. 43-4171.00)"
    if kind in {"too_short"} and isinstance(error.get("input"), list | dict):
        return "must not be empty"
    if kind in {"list_type", "dict_type", "string_type", "int_type", "bool_type", "model_type"}:
        expected = {
            "list_type": "a list",
            "dict_type": "an object",
            "string_type": "a string",
            "int_type": "an integer",
            "bool_type": "true or false",
            "model_type": "an object",
        }[kind]
        return f"expected {expected}, got {_json_type(error.get('input'))}"
    return str(error["msg"]).removeprefix("Value error, ")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
