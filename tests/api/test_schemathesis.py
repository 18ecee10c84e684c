"""The whole API against its own OpenAPI document: schemathesis, every check, a caseworker token.

Bounded (a few derandomized examples per operation, valid and invalid) so the run stays well under
a minute. It proves that every answer is documented, has the documented shape and content type,
that bad input is refused with a 4xx (422 for invalid fields, 404 for a missing id) and that
nothing answers with a 5xx. Schemathesis' pytest plugin does not run under pytest 9 yet, so the
operations are walked here and each failure is collected with the operation that caused it.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

EXAMPLES_PER_OPERATION = 3
# Failures understood and left for their owners; each is explained in README ("Staff API").
KNOWN = {
    ("POST /relationships", "positive"): "a person related to themselves is refused (422); JSON Schema "
                                         "cannot say that two fields must differ",
    ("POST /reports", "positive"): "the multipart form takes only the documented `report` part and "
                                   "`evidence` files; schemathesis adds parts the schema does not forbid",
}


def failures_of(operation, auth: dict[str, str], mode: GenerationMode) -> list[str]:
    """Run one operation's examples in one generation mode; the failures, described."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=auth)

    try:
        run()
    except BaseException as error:  # noqa: BLE001 - schemathesis raises exception groups; all are collected
        if isinstance(error, KeyboardInterrupt):
            raise
        text = str(error).strip()
        found.append(f"{operation.label} [{mode.value}]: {text[:1500]}")
    return found


def test_every_operation_conforms_to_the_document(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if (operation.label, mode.value) not in KNOWN:
                failures += failures_of(operation, auth, mode)
    assert not failures, "\n".join(sorted(set(failures)))
