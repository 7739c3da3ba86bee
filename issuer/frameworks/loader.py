"""Read a framework export file into a validated `FrameworkExport`.

Every failure becomes one `InvalidInput` line naming the file and the JSON path
of the problem, e.g. `bad.json: $.framework.levels.emerging.statements[2]: must not be empty`.
"""

import difflib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from issuer.errors import InvalidInput
from issuer.model.framework import FrameworkExport, Level

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
    typo = find_typo(data, FrameworkExport, "$")
    if typo:
        raise InvalidInput(f"{source}: {typo}")
    try:
        export = FrameworkExport.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(f"{source}: {describe_first_error(err)}") from err
    return export, text


def find_typo(data: dict[str, Any], model: type[BaseModel], path: str) -> str | None:
    """Return `<JSON path>: unknown key ...: did you mean ...?` for the first key of `data`
    (or of the export objects inside it) that looks like a misspelt field of `model`, or None.

    Other unknown keys are allowed (and kept with the raw file).
    """
    names = {field.alias or name: field for name, field in model.model_fields.items()}
    for key in data:
        if key in names:
            continue
        near = difflib.get_close_matches(key, [n for n in names if n not in data], n=1, cutoff=0.75)
        if near:
            return (
                f"{path}: unknown key {json.dumps(key)}: did you mean {json.dumps(near[0])}? "
                f"(the keys here are: {', '.join(names)})"
            )
    for key, field in names.items():
        value = data.get(key)
        inner = _model_of(field.annotation)
        if inner is not None and isinstance(value, dict):
            found = find_typo(value, inner, f"{path}.{key}")
            if found:
                return found
        elif key == "levels" and isinstance(value, dict):
            for level_key, level in value.items():
                if isinstance(level, dict):
                    found = find_typo(level, Level, json_path(("levels", level_key), path))
                    if found:
                        return found
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


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


def json_path(loc: tuple[int | str, ...], root: str = "$") -> str:
    """Return a JSONPath such as `$.framework.levels.emerging.statements[3]` for a pydantic loc."""
    parts = [root]
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
