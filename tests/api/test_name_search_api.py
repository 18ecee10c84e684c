"""Finding people across scripts through the staff API (issue 13's acceptance examples)."""
import pytest

from tests.names.cases import ACCEPTANCE


@pytest.mark.parametrize(("name", "script", "community", "typed"), ACCEPTANCE)
def test_the_api_finds_a_person_recorded_in_another_script(client, auth, name, script, community, typed):
    created = client.post("/api/v1/people", headers=auth,
                          json={"names": [{"name": name, "script": script}], "community": community})
    assert created.status_code == 201, created.json
    client.post("/api/v1/people", headers=auth, json={"names": [{"name": "Wang Na"}]})
    found = client.get("/api/v1/people", headers=auth, query_string={"q": typed})
    assert [p["id"] for p in found.json] == [created.json["id"]]
