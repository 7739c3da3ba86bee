"""The skills-framework export format (schemaVersion "1.0"), as training providers hand it to us."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic.alias_generators import to_camel

SOC_PATTERN = r"^\d{2}-\d{4}\.\d{2}$"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


NonBlank = Annotated[StrictStr, AfterValidator(_not_blank)]


class _ExportModel(BaseModel):
    """Export objects: camelCase keys; unknown keys are kept (the raw file is stored too)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Occupation(_ExportModel):
    """The O*NET-SOC occupation the framework describes."""

    soc: Annotated[StrictStr, Field(pattern=SOC_PATTERN)]
    title: NonBlank
    group: StrictStr | None = None
    sector: StrictStr | None = None
    job_zone: StrictInt | None = None
    job_zone_inferred: StrictBool | None = None


class Level(_ExportModel):
    """One proficiency level: its label and its competency statements, in file order."""

    label: NonBlank
    statements: Annotated[list[NonBlank], Field(min_length=1)]


class FrameworkBody(_ExportModel):
    """The framework proper: version, description and its ordered levels."""

    version: NonBlank
    description: StrictStr = ""
    context_covered: StrictStr = ""
    levels: Annotated[dict[str, Level], Field(min_length=1)]


class FrameworkExport(_ExportModel):
    """A whole export file."""

    schema_version: Literal["1.0"]
    exported_at: StrictStr | None = None
    occupation: Occupation
    framework: FrameworkBody
    sources: dict[str, StrictStr] = Field(default_factory=dict)
    attribution: StrictStr | None = None
