"""Import profiles: which spreadsheet column holds which field, saved by name as JSON in instance/.

A profile holds column headings and code mappings, never personal data, so it is kept as a
reviewable file (``instance/import_profiles/NAME.json``) that the command line and the staff
page share and an operator can copy to another instance, rather than a table needing a migration.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from pydantic import Field, ValidationError
from sqlmodel import SQLModel

from ..models.base import Code, Country

PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FOLDER = "import_profiles"


class ProfileError(ValueError):
    """A profile that is missing, badly named or does not validate."""


class RelativeColumns(SQLModel):
    """The columns of one relative in a wide sheet (relative 1, relative 2...)."""

    name: str
    native_name: str | None = None
    relationship: str
    status: str | None = None
    status_date: str | None = None
    in_retaliation: str | None = None


class ImportProfile(SQLModel):
    """A named column mapping; headings are matched exactly after trimming spaces."""

    name: str = Field(pattern=PROFILE_NAME.pattern)
    community: Code("community") | None = None
    community_column: str | None = None
    default_tactic: Code("tactic") = "coercion_by_proxy"
    default_origin_country: Country | None = None
    incident_title: str | None = None
    incident_summary: str | None = None
    tactic: str | None = None
    incident_date: str | None = None
    origin_country: str | None = None
    host_country: str | None = None
    victim_name: str
    victim_native_name: str | None = None
    victim_residence_country: str | None = None
    relatives: list[RelativeColumns] = Field(default_factory=list, max_length=20)
    # Cell text (lower case) to a code, per vocabulary: {"relationship_type": {"father": "parent"}}.
    values: dict[str, dict[str, str]] = Field(default_factory=dict)


def profile_folder(instance_path: str) -> Path:
    """Where profiles are kept."""
    return Path(instance_path) / FOLDER


def profile_path(instance_path: str, name: str) -> Path:
    """The file of one profile; the name is checked first so it cannot leave the folder."""
    if not PROFILE_NAME.fullmatch(name or ""):
        raise ProfileError(f"a profile name is lower-case letters, digits, - and _: {name!r}")
    return profile_folder(instance_path) / f"{name}.json"


def parse_profile(text: str | bytes) -> ImportProfile:
    """A profile from its JSON text; ProfileError says what is wrong."""
    try:
        return ImportProfile.model_validate(json.loads(text))
    except (ValueError, ValidationError) as error:
        raise ProfileError(f"the profile is not valid: {error}") from error


def load_profile(instance_path: str, name: str) -> ImportProfile:
    """The saved profile of this name."""
    path = profile_path(instance_path, name)
    if not path.is_file():
        raise ProfileError(f"no import profile named {name!r}")
    return parse_profile(path.read_text(encoding="utf-8"))


def save_profile(instance_path: str, profile: ImportProfile) -> Path:
    """Write the profile (replacing one of the same name) and return its path."""
    path = profile_path(instance_path, profile.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(profile.model_dump_json(indent=2, exclude_defaults=False), encoding="utf-8")
    os.replace(temporary, path)
    return path


def profile_names(instance_path: str) -> list[str]:
    """The names of the saved profiles, sorted."""
    folder = profile_folder(instance_path)
    return sorted(p.stem for p in folder.glob("*.json") if PROFILE_NAME.fullmatch(p.stem)) if folder.is_dir() else []
