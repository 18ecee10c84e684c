"""Fixtures for spreadsheet import tests: the synthetic NGO sheet and its profile, saved in the app."""
from pathlib import Path

import pytest

from tracker.exchange.profiles import parse_profile, save_profile

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "ngo_cases_synthetic.csv"
SAMPLE_PROFILE = DATA / "ngo_cases_synthetic.profile.json"


@pytest.fixture
def profile(app):
    """The sample's profile, saved in the test app's instance folder."""
    loaded = parse_profile(SAMPLE_PROFILE.read_bytes())
    save_profile(app.instance_path, loaded)
    return loaded
