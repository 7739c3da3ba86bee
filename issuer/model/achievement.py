"""Open Badges 3.0 achievement definitions (spec appendix "Data Models")."""

from typing import Literal

from issuer.model.base import LdModel, ld_list


class Image(LdModel):
    """An image by URL or `data:` URI; OB 3.0 gives it a single-string `type`."""

    id: str
    type: Literal["Image"] = "Image"
    caption: str | None = None


class Profile(LdModel):
    """An issuer, creator or endorser."""

    id: str
    type: list[str] = ld_list(lambda: ["Profile"])
    name: str | None = None
    url: str | None = None
    description: str | None = None
    email: str | None = None
    image: Image | None = None


class Alignment(LdModel):
    """A link from an achievement to a framework item, occupation or standard."""

    type: list[str] = ld_list(lambda: ["Alignment"])
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
    type: list[str] = ld_list(lambda: ["RubricCriterionLevel"])
    name: str
    description: str | None = None
    level: str | None = None
    alignment: list[Alignment] = ld_list()


class ResultDescription(LdModel):
    """Describes a possible result of an achievement (e.g. the proficiency level reached)."""

    id: str
    type: list[str] = ld_list(lambda: ["ResultDescription"])
    name: str
    result_type: str
    rubric_criterion_level: list[RubricCriterionLevel] = ld_list()
    required_level: str | None = None


class Achievement(LdModel):
    """An accomplishment a credential can carry."""

    id: str
    type: list[str] = ld_list(lambda: ["Achievement"])
    achievement_type: str | None = None
    name: str
    description: str
    criteria: Criteria
    alignment: list[Alignment] = ld_list()
    creator: Profile | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    result_description: list[ResultDescription] = ld_list()
    tag: list[str] = ld_list()
    version: str | None = None
