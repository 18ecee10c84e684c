"""The OpenAPI document describes exactly the routes the app serves under /api/v1."""
from __future__ import annotations

import re

PREFIX = "/api/v1"


def served_operations(app) -> set[tuple[str, str]]:
    """(path in OpenAPI form, method) for every route under /api/v1."""
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method.lower()))
    return operations


def documented_operations(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item
            if method in {"get", "post", "put", "patch", "delete"}}


def test_document_is_served_and_well_formed(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    for item in document["paths"].values():
        for operation in item.values():
            assert operation.get("responses"), operation
            assert operation.get("operationId")


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    document = client.get(f"{PREFIX}/openapi.json").json
    assert served_operations(app) == documented_operations(document)


def test_operation_ids_are_unique(client):
    document = client.get(f"{PREFIX}/openapi.json").json
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_schema_references_resolve(client):
    document = client.get(f"{PREFIX}/openapi.json").json
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"], name
