"""Open Badges 3.0 achievement definitions (spec appendix "Data Models")."""

from typing import Literal

from pydantic import Field

from issuer.model.base import LdModel


class Image(LdModel):
    """An image by URL or `data:` URI; OB 3.0 gives it a single-string `type`."""

    id: str
    type: Literal["Image"] = "Image"
    caption: str | None = None


class Profile(LdModel):
    """An issuer, creator or endorser."""

    id: str
    type: list[str] = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: str | None = None
    description: str | None = None
    email: str | None = None
    image: Image | None = None


class Alignment(LdModel):
    """A link from an achievement to a framework item, occupation or standard."""

    type: list[str] = Field(default_factory=lambda: ["Alignment"])
    target_name: str
    target_url: str
    target_description: str | None = None
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None


class Criteria(LdModel):
    """What a learner must do to earn the achievement (Markdown narrative)."""

    id: str | None = None
    narrative: str | None = None


class RubricCriterionLevel(LdModel):
    """One level of a rubric, ordered from lowest to highest in its ResultDescription."""

    id: str
    type: list[str] = Field(default_factory=lambda: ["RubricCriterionLevel"])
    name: str
    description: str | None = None
    level: str | None = None
    alignment: list[Alignment] = Field(default_factory=list)


class ResultDescription(LdModel):
    """Describes a possible result of an achievement (e.g. the proficiency level reached)."""

    id: str
    type: list[str] = Field(default_factory=lambda: ["ResultDescription"])
    name: str
    result_type: str
    rubric_criterion_level: list[RubricCriterionLevel] = Field(default_factory=list)
    required_level: str | None = None


class Achievement(LdModel):
    """An accomplishment a credential can carry."""

    id: str
    type: list[str] = Field(default_factory=lambda: ["Achievement"])
    achievement_type: str | None = None
    name: str
    description: str
    criteria: Criteria
    alignment: list[Alignment] = Field(default_factory=list)
    creator: Profile | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    result_description: list[ResultDescription] = Field(default_factory=list)
    tag: list[str] = Field(default_factory=list)
    version: str | None = None
