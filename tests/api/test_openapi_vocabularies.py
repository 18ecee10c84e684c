"""The OpenAPI document lists every code of every vocabulary, and input fields carry their enums."""
from tracker import taxonomy
from tracker.countries import country_codes


def enums_in(node) -> set[frozenset[str]]:
    """Every enum anywhere in a JSON document."""
    found: set[frozenset[str]] = set()
    if isinstance(node, dict):
        if "enum" in node:
            found.add(frozenset(map(str, node["enum"])))
        for value in node.values():
            found |= enums_in(value)
    elif isinstance(node, list):
        for value in node:
            found |= enums_in(value)
    return found


def test_every_vocabulary_is_a_named_enum(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    for name in taxonomy.VOCABULARIES:
        assert set(schemas[f"Vocabulary_{name}"]["enum"]) == taxonomy.codes(name), name


def test_input_fields_carry_their_vocabulary_and_countries(client):
    document = client.get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    priority = schemas["TriageUpdate"]["properties"]["priority"]
    assert set(priority["enum"]) == taxonomy.codes("priority")
    assert frozenset(country_codes()) in enums_in(schemas["PersonInput"])
    queue = {p["name"]: p for p in document["paths"]["/queue"]["get"]["parameters"]}
    assert set(queue["status"]["schema"]["enum"]) == taxonomy.codes("report_status") | {"open"}
    assert frozenset(taxonomy.codes("tactic")) in enums_in(queue["tactic"])


def test_every_operation_documents_its_refusals(client):
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if "{" in path:
                assert "404" in codes, (method, path)
            if operation.get("requestBody"):
                assert "422" in codes or "400" in codes, (method, path)
