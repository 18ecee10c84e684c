"""Password rules: Argon2id, 12 to 128 characters, common passwords refused, no composition rules."""
from __future__ import annotations

import pytest

from tracker.staff.passwords import (
    MAX_LENGTH, MIN_LENGTH, common_passwords, hash_password, one_time_password, password_problem, verify_password,
)


def test_hash_is_argon2id_and_verifies():
    digest = hash_password("violet tractor under moonlight")
    assert digest.startswith("$argon2id$")
    assert verify_password(digest, "violet tractor under moonlight")
    assert not verify_password(digest, "violet tractor under moonlight!")


def test_unknown_account_never_verifies():
    assert not verify_password(None, "anything at all here")


@pytest.mark.parametrize(("password", "problem"), [
    ("a" * (MIN_LENGTH - 1), "too_short"),
    ("x7!" * 43, "too_long"),
    ("password1234", "common"),
    ("Password2024!", "common"),
    ("QWERTYUIOP123", "common"),
    ("iloveyou1990", "common"),
    ("1qaz2wsx3edc", "common"),
    ("zzzzzzzzzzzzzzzz", "common"),
    ("abababababab", "common"),
    ("violet tractor under moonlight", None),
    ("all lower case words are fine", None),
    ("ähnlich schöne wörter", None),
    ("維吾爾語密碼很長很長很長", None),
])
def test_password_problems(password, problem):
    assert password_problem(password) == problem


def test_password_containing_the_email_name_is_refused():
    assert password_problem("amina.k is my password", "amina.k@example.org") == "contains_email"


def test_length_limits_are_the_documented_ones():
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)
    assert password_problem("b7#" * 42 + "xy") is None  # exactly 128


def test_common_list_is_shipped_and_substantial():
    words = common_passwords()
    assert len(words) > 10_000
    assert {"password", "qwertyuiop", "iloveyou2024", "correcthorsebatterystaple"} <= words


def test_one_time_passwords_are_long_random_and_acceptable():
    first, second = one_time_password(), one_time_password()
    assert first != second and len(first) >= 20
    assert password_problem(first) is None


def test_production_hashes_with_the_rfc9106_profile_and_refuses_the_test_profile(tmp_path):
    """The suite's apps use argon2-cffi's cheapest profile for speed; a real app never can."""
    from argon2 import extract_parameters, profiles

    from tests.conftest import TEST_KEYS
    from tracker import create_app
    from tracker.config import ConfigurationError
    from tracker.staff.passwords import TEST_ONLY_PROFILE

    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **TEST_KEYS}
    app = create_app(config, instance_path=str(tmp_path))
    with app.app_context():
        parameters = extract_parameters(hash_password("violet tractor under moonlight"))
    standard = profiles.RFC_9106_LOW_MEMORY
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        standard.time_cost, standard.memory_cost, standard.parallelism)
    with pytest.raises(ConfigurationError):
        create_app({**config, "PASSWORD_HASH_PROFILE": TEST_ONLY_PROFILE}, instance_path=str(tmp_path))
    with pytest.raises(ConfigurationError):
        create_app({**config, "PASSWORD_HASH_PROFILE": "md5"}, instance_path=str(tmp_path))


def test_a_hash_made_with_other_parameters_is_redone_at_login(app):
    from tracker.staff.passwords import STANDARD_PROFILE, needs_rehash

    with app.app_context():
        assert needs_rehash(hash_password("violet tractor under moonlight", profile=STANDARD_PROFILE))
        assert not needs_rehash(hash_password("violet tractor under moonlight"))
