"""OpenRosa responses: the form list, the transactional message envelope, the required headers."""
from __future__ import annotations

# Building documents only; nothing is parsed here (a submitted instance is read with defusedxml).
from xml.etree.ElementTree import Element, SubElement, tostring  # nosec B405

from flask import Response, current_app
from werkzeug.http import http_date

RESPONSE_NS = "http://openrosa.org/http/response"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
XML = "text/xml; charset=utf-8"


def _xml(root: Element) -> bytes:
    return tostring(root, encoding="utf-8", xml_declaration=True)


def message(text: str, status: int, nature: str | None = None) -> Response:
    """An ``<OpenRosaResponse>`` carrying one human-readable message (clients show it)."""
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    element = SubElement(root, "message")
    if nature:
        element.set("nature", nature)
    element.text = text
    return Response(_xml(root), status=status, content_type=XML)


def form_list(forms, download_url) -> Response:
    """The OpenRosa Form List API document: one ``<xform>`` per form."""
    root = Element("xforms", xmlns=FORM_LIST_NS)
    for form in forms:
        entry = SubElement(root, "xform")
        for name, value in (("formID", form.form_id), ("name", form.title), ("version", form.version),
                            ("hash", form.md5), ("descriptionText", ""),
                            ("downloadUrl", download_url(form.form_id))):
            SubElement(entry, name).text = value
    return Response(_xml(root), status=200, content_type=XML)


def add_openrosa_headers(response: Response) -> Response:
    """What every OpenRosa response carries: the version, the server's date, and the largest
    body the server takes (clients split or refuse a submission above it)."""
    response.headers["X-OpenRosa-Version"] = "1.0"
    response.headers.setdefault("Date", http_date())
    response.headers["X-OpenRosa-Accept-Content-Length"] = str(accept_content_length())
    return response


def accept_content_length() -> int:
    """The largest submission body accepted: the reporter form's total for files, plus the XML."""
    config = current_app.config
    return int(config["INTAKE_MAX_REQUEST_BYTES"]) + int(config["OPENROSA_MAX_XML_BYTES"])
