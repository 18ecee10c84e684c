"""The OpenAPI 3 document at /api/v1/openapi.json, merged from every API module's fragments."""
from __future__ import annotations

import sys
from typing import Any

from flask import jsonify

from .. import taxonomy
from . import API_MODULES, bp

OPENAPI_PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "summary": "This OpenAPI document",
            "operationId": "getOpenApi",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI 3.1 document"}},
        }
    }
}
OPENAPI_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "A machine-readable error code"},
            "message": {"type": "string", "description": "A human-readable, translated explanation"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "Per-field validation errors"},
        },
    }
}


def vocabulary_schemas() -> dict[str, Any]:
    """Every taxonomy vocabulary as a named enum, including those only ever seen in answers
    (report status, intake channel...), so a client can check every code it may meet."""
    return {f"Vocabulary_{name}": {"type": "string", "enum": sorted(taxonomy.codes(name)),
                                   "description": f"A code of the {name} vocabulary (tracker.taxonomy)"}
            for name in taxonomy.VOCABULARIES}


def openapi_document() -> dict[str, Any]:
    """Merge the fragments of every API module into one document."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = vocabulary_schemas()
    security_schemes: dict[str, Any] = {}
    for name in API_MODULES:
        module = sys.modules[f"{__package__}.{name}"]
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
        security_schemes.update(getattr(module, "OPENAPI_SECURITY_SCHEMES", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TNR tracker API",
            "version": "1",
            "description": "Report submission and receipts for partner tools; staff endpoints "
            "authenticated with personal API tokens.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas, "securitySchemes": security_schemes},
    }


@bp.get("/openapi.json")
def get_openapi():
    """Serve the OpenAPI document."""
    return jsonify(openapi_document())
