"""Query and form input, decoded with the charset of the device that sent it.

bottle would decode everything as UTF-8 or Latin-1; a docomo handset sends
Shift_JIS with its own emoji.  Here every value is taken as bytes and handed to
:func:`keitai.platform.text.decode_input`, which stores emoji in one carrier-neutral form
and refuses broken bytes (the pipeline turns that into a 400 page).
"""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

import bottle

from keitai.platform import text

#: Whole request bodies above this are refused (photos are the largest thing members send).
MAX_BODY = 12 * 1024 * 1024
#: No single text field is longer than this; views set tighter limits per field.
MAX_FIELD = 100_000
#: Set in the environ by the server (keitai.platform.web.server) when it refused to read a
#: body over MAX_BODY: the request comes with an empty body, to be answered with 413.
BODY_REFUSED = "keitai.body_refused"


class InputError(Exception):
    """Input the site will not store; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _pairs(raw: bytes):
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        yield unquote_to_bytes(key.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))


def _decode(raw: bytes, device, what: str) -> str:
    if len(raw) > MAX_FIELD * 4:
        raise InputError(413, what)
    try:
        return text.decode_input(raw, device)
    except text.InputDecodeError as exc:
        raise InputError(400, f"{what}: {exc}") from None


def _query_pairs(environ: dict):
    return _pairs(environ.get("QUERY_STRING", "").encode("latin-1", "replace"))


def raw_query_value(environ: dict, name: str) -> str | None:
    """The last ``name`` in the query string as ASCII, whatever the other values hold."""
    found = None
    for key, value in _query_pairs(environ):
        if key == name.encode():
            found = value.decode("ascii", "replace")
    return found


def parse(environ: dict, device) -> tuple[bottle.MultiDict, dict]:
    """Decoded query + body values, and uploaded files by field name."""
    values = bottle.MultiDict()
    files: dict[str, bottle.FileUpload] = {}
    for key, value in _query_pairs(environ):
        values.append(key.decode("latin-1"), _decode(value, device, key.decode("latin-1")))
    if environ.get("REQUEST_METHOD") not in ("POST", "PUT"):
        return values, files
    request = bottle.request
    if environ.get(BODY_REFUSED) or (request.content_length or 0) > MAX_BODY:
        raise InputError(413, "body")
    content_type, options = bottle._parse_http_header(environ.get("CONTENT_TYPE", "") or "x/x")[0]
    if content_type.startswith("multipart/"):
        boundary = options.get("boundary")
        if not boundary:
            raise InputError(400, "multipart without boundary")
        parser = bottle._MultipartParser(
            request.body, boundary, request.content_length,
            mem_limit=MAX_BODY, memfile_limit=256 * 1024, charset="latin1",
        )
        try:
            for part in parser.parse():
                if part.filename:
                    if part.size:
                        files[part.name] = bottle.FileUpload(part.file, part.name, part.filename, part.headerlist)
                else:
                    values.append(part.name, _decode(part.raw, device, part.name))
        except bottle.MultipartError as exc:
            raise InputError(400, f"multipart: {exc}") from None
    else:
        body = request._get_body_string(MAX_BODY)
        for key, value in _pairs(body):
            values.append(key.decode("latin-1"), _decode(value, device, key.decode("latin-1")))
    return values, files
