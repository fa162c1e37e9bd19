"""SCAIP (EN 50134-9, social alarm over IP): reading an alarm request and writing the reply.

A controller sends an ``<mrq>`` element of short tags; the receiver answers ``<mrs>`` with the
request's ``ref`` and a status number (``snu``) that tells the controller whether to retry.
Pure: bytes in, a message or a :class:`ScaipError` out. No I/O.

What is refused is what we cannot take in: a body too long (1), unreadable XML (2), a missing
mandatory tag (7), and a ``ref`` or ``cid`` we could not store as the keys that recognise a
retry and a controller (3). The standard's text is not public and restricts ``ref`` to no
alphabet we know of, so any printable text up to :data:`REF_LENGTH` characters is a ``ref``
(``S-100``, ``A 7``, ``Ä1``); every reply that can read the ``ref`` echoes it, refusals too.

Any other odd value (a priority of 12, a device type "abcd", a status code with letters, a text
too long, a tag sent twice) is kept as sent in ``ScaipMessage.as_sent``, left out of the values
the intake uses, and the alarm is taken in: a controller told "wrong data" gives up on what may
be a real alarm. Text goes through
``regiozorg.edge_text.clean`` like every string from outside; a body that is XML but for
control characters (which XML 1.0 cannot carry) is read once more without them.

The body comes from devices on networks we do not control, so it is parsed with expat directly
and every DTD is refused before anything is expanded: no external entities, no billion laughs.
``defusedxml`` would do the same, but it is not a dependency and the few handlers below suffice.
A handler on the parser (rather than a substring check for ``<!DOCTYPE``) also catches a DTD in
a body encoded as UTF-16, where the bytes never spell ``<!DOCTYPE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import NoReturn
from xml.parsers import expat
from xml.sax.saxutils import escape

from regiozorg.edge_text import clean

MAX_BODY_BYTES = 8 * 1024
"""Larger bodies are answered "too long" unread; a real request is a few hundred bytes."""


class Snu(IntEnum):
    """The status number of a reply; anything but OK tells the controller the alarm is not in."""

    OK = 0
    TOO_LONG = 1
    INVALID_FORMAT = 2
    WRONG_DATA = 3
    HOLD = 4
    NOT_TREATED = 5
    BUSY = 6
    MANDATORY_TAG_MISSING = 7


class MessageType(StrEnum):
    ALARM = "ME"
    RESET = "RE"
    INFO = "IN"
    HEARTBEAT = "PI"


DEVICE_TYPES: dict[str, str] = {
    "0003": "personal trigger",
    "0004": "fixed trigger",
    "0005": "fall detector",
    "0012": "bed monitor",
    "0013": "mat sensor",
    "0014": "door sensor",
    "0015": "wandering sensor",
    "0016": "enuresis sensor",
    "0017": "epilepsy sensor",
    "0018": "occupancy sensor",
}
"""Names of the device types we know (``dty``); others are accepted and shown by code."""

STATUS_CODES: dict[str, str] = {
    "0005": "acknowledge",
    "0009": "automatic alarm",
    "0010": "manual alarm",
    "0016": "battery low",
    "0077": "open too long",
    "0087": "planned presence",
    "0088": "presence after alarm",
    "0110": "assistance",
    "0111": "intervention complete",
    "0117": "lying in bed",
}
"""Names of the status codes we know (``stc``); others are accepted and shown by code."""

LOCATION_CODES: dict[str, str] = {
    "011": "bathroom",
    "012": "bedroom",
    "039": "front door",
    "047": "communal area",
    "049": "room",
}
"""Names of the location codes we know (``lco``); others are accepted and shown by code."""


@dataclass(frozen=True)
class ScaipMessage:
    """One request as read. Codes stay strings: their leading zeros are part of the code."""

    ref: str
    controller_id: str
    device_type: str
    """"" when the type sent could not be read (it is in ``as_sent``)."""
    device_id: str | None = None
    device_component: str | None = None
    device_text: str | None = None
    message_type: MessageType = MessageType.ALARM
    status_code: str | None = None
    status_text: str | None = None
    priority: int | None = None
    """1 is the most urgent."""
    location_code: str | None = None
    location_value: str | None = None
    location_text: str | None = None
    location_geo: str | None = None
    info_code: str | None = None
    info_text: str | None = None
    callback: str | None = None
    """A number to call back (``crd``), as sent."""
    additional: str | None = None
    as_sent: tuple[tuple[str, str], ...] = ()
    """Values we could not use as they came, by tag (``"pri#2"`` for a tag's second copy),
    as sent: shown to the handler and logged, never a reason to refuse the alarm."""
    cleaned: tuple[str, ...] = ()
    """Where characters were removed or replaced: tags, or ``"xml"`` for the whole body."""


class ScaipError(Exception):
    """A request we refuse; ``snu`` goes back to the controller, ``message`` to our log.

    ``ref`` is the request's reference when it could be read, so the reply can echo it and the
    controller can tell which of its requests was refused."""

    def __init__(self, snu: Snu, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.snu = snu
        self.message = message
        self.ref = ref


@dataclass(frozen=True)
class _Tag:
    max_length: int
    pattern: re.Pattern[str] | None = None
    text: bool = False
    """Free text: a longer value is cut to ``max_length``; a longer code is not used at all."""


_CODE = 32  # Lengths below are our own generous caps: the standard's text is not public.
_TEXT = 255
_DIGITS = re.compile(r"[0-9]+")
_KEY = re.compile(r"[A-Za-z0-9._-]+")
"""What the intake can store as a controller or device id (``schemas.Code``)."""
REF_LENGTH = 64
"""The longest ``ref`` we take: what the intake stores as a message's reference."""


def is_usable_ref(text: str) -> bool:
    """Whether ``text`` can be a message's reference: printable (letters of any script,
    digits, punctuation, inner spaces; no control or other invisible characters), not empty,
    without surrounding space, at most :data:`REF_LENGTH` characters. Shared by SCAIP and the
    JSON intake (``schemas.Reference``), so both accept the same references."""
    return 0 < len(text) <= REF_LENGTH and text.isprintable() and text == text.strip()


_TAGS: dict[str, _Tag] = {
    "ref": _Tag(REF_LENGTH),
    "cid": _Tag(_CODE, _KEY),
    "dty": _Tag(4, re.compile(r"[0-9]{4}")),
    "did": _Tag(_CODE, _KEY),
    "dco": _Tag(_CODE),
    "dte": _Tag(_TEXT, text=True),
    "mty": _Tag(2, re.compile("|".join(MessageType))),
    "stc": _Tag(8, _DIGITS),  # the incident keeps 8 digits; the codes we know have 4
    "stt": _Tag(_TEXT, text=True),
    "pri": _Tag(1, re.compile(r"[1-9]")),
    "lco": _Tag(_CODE),
    "lva": _Tag(_CODE),
    "lte": _Tag(_TEXT, text=True),
    "lge": _Tag(64),
    "ico": _Tag(_CODE),
    "ite": _Tag(_TEXT, text=True),
    "crd": _Tag(_CODE),
    "ame": _Tag(1024, text=True),
}
_REQUIRED = ("ref", "cid", "dty")
_KEYS = ("ref", "cid")
"""Mandatory tags that identify: one we cannot store is refused (3), not guessed."""
NESTED = "<elements>"
"""How a tag that held elements instead of text is kept as sent."""
_XML_SPACE = " \t\r\n"


class _DtdRefusedError(Exception):
    pass


def _refuse_dtd(*_: object) -> NoReturn:
    raise _DtdRefusedError


class _Reader:
    """Collects the text of each direct child of the root, in document order.

    Unknown tags are skipped whole, whatever they contain, so a newer controller can add tags.
    A known tag with elements inside is kept with ``None`` as its text: it has no valid value."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.children: list[tuple[str, str | None]] = []
        self._depth = 0
        self._text: list[str] = []
        self._nested = False

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        self._depth += 1
        if self._depth == 1:
            self.root = name
        elif self._depth == 2:
            self._text, self._nested = [], False
        else:
            self._nested = True

    def end(self, name: str) -> None:
        if self._depth == 2 and name in _TAGS:
            text = None if self._nested else "".join(self._text).strip(_XML_SPACE)
            self.children.append((name, text))
        self._depth -= 1

    def text(self, data: str) -> None:
        if self._depth == 2:
            self._text.append(data)


def _guarded_parser(reader: _Reader, encoding: str | None) -> expat.XMLParserType:
    """An expat parser that stops at any DTD, so no entity is ever defined, expanded or fetched."""
    parser = expat.ParserCreate(encoding)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    return parser


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));"
)
"""A character reference to a C0 control other than tab, line feed and carriage return."""


def _without_controls(body: bytes | str) -> bytes | str | None:
    """The body without the control characters XML 1.0 cannot carry, raw or as references;
    None when there were none, or when the bytes are not in an ASCII-compatible encoding
    (UTF-16's zero bytes are not controls)."""
    if isinstance(body, str):
        text = _CONTROL_REFERENCE.sub("", clean(body)[0])
        return text if text != body else None
    if body.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
        return None
    stripped = _CONTROL_BYTES.sub(b"", body)
    stripped = _CONTROL_REFERENCE.sub("", stripped.decode("latin-1")).encode("latin-1")
    return stripped if stripped != body else None


def _read_tree(body: bytes | str) -> tuple[_Reader, bool]:
    """The request's tags, and whether control characters had to be left out to read it."""
    try:
        return _read_tree_strictly(body), False
    except ScaipError as error:
        lenient = _without_controls(body) if error.snu is Snu.INVALID_FORMAT else None
        if lenient is None:
            raise
        try:
            return _read_tree_strictly(lenient), True
        except ScaipError:
            raise error from None


def _read_tree_strictly(body: bytes | str) -> _Reader:
    encoding = None  # bytes: as their XML declaration says, UTF-8 without one
    if isinstance(body, str):
        # The text is already decoded: whatever encoding its declaration names no longer applies.
        encoding = "UTF-8"
        try:
            body = body.encode(encoding)
        except UnicodeEncodeError:  # lone surrogates, e.g. from a lenient decoder upstream
            raise ScaipError(Snu.INVALID_FORMAT, "text is not valid Unicode") from None
    if len(body) > MAX_BODY_BYTES:
        raise ScaipError(Snu.TOO_LONG, f"body of {len(body)} bytes exceeds {MAX_BODY_BYTES}")
    reader = _Reader()
    try:
        _guarded_parser(reader, encoding).Parse(body, True)
    except _DtdRefusedError:
        raise ScaipError(Snu.INVALID_FORMAT, "document type declarations are refused") from None
    except (expat.ExpatError, LookupError, ValueError) as error:
        # Expat hands a declared encoding it does not know to Python's codecs, which refuse
        # unknown, multi-byte and non-text ones with LookupError or ValueError.
        raise ScaipError(Snu.INVALID_FORMAT, f"malformed XML: {error}") from None
    if reader.root != "mrq":
        raise ScaipError(Snu.INVALID_FORMAT, f"root element is {reader.root!r}, not 'mrq'")
    return reader


def _readable_ref(texts: dict[str, list[str | None]]) -> str | None:
    """The reference as sent, if one can be read: one ``ref`` of text (or several copies of
    the same one), whether or not we can store it. A reply echoes it, so the controller can
    tell which request the answer is about; two different refs point to no request."""
    refs = set(texts.get("ref", []))
    if len(refs) == 1:
        (ref,) = refs
        return ref or None  # None: elements, not text; "": empty, so missing
    return None


def _read_value(tag: str, text: str | None, ref: str | None) -> tuple[str | None, str | None]:
    """The value of one tag to use (None: absent or unusable), and the value as sent when it
    could not be used as it came. An empty element counts as absent."""
    spec = _TAGS[tag]
    if text is None:
        if tag in _REQUIRED:
            raise ScaipError(Snu.WRONG_DATA, f"<{tag}> contains elements, not text", ref)
        return None, NESTED
    if not text:
        return None, None
    fits = len(text) <= spec.max_length and (not spec.pattern or spec.pattern.fullmatch(text))
    if tag == "ref":
        if not is_usable_ref(text):
            raise ScaipError(Snu.WRONG_DATA, _unusable_ref(text), ref)
        return text, None
    if tag in _KEYS:
        if not fits:
            raise ScaipError(Snu.WRONG_DATA, f"<{tag}> cannot be stored: {text[:40]!r}", ref)
        return text, None if _DIGITS.fullmatch(text) else text
    if fits:
        unknown_device = tag == "dty" and text not in DEVICE_TYPES
        return text, text if unknown_device else None
    if spec.text and len(text) > spec.max_length:
        return text[: spec.max_length], text
    return None, text


def _unusable_ref(text: str) -> str:
    """Why a ``ref`` cannot be a reference, for the log."""
    if len(text) > REF_LENGTH:
        return f"<ref> of {len(text)} characters exceeds {REF_LENGTH}"
    return f"<ref> holds characters that are not printable: {text[:40]!r}"


def parse(body: bytes | str) -> ScaipMessage:
    """Read a SCAIP request, or raise :class:`ScaipError` with the status number to answer.

    Checked in this order, so the answer names the first thing wrong: size (1), well-formed XML
    without DTD and with root ``mrq`` (2), ``ref`` or ``cid`` sent twice (3), required tags
    present and not empty (7), ``ref`` and ``cid`` storable (3). Every other value that is
    odd is kept in ``as_sent`` and left out. Bytes are decoded as their XML declaration says
    (UTF-8 without one); surrounding whitespace of every value is dropped."""
    reader, controls_left_out = _read_tree(body)
    sent: dict[str, list[str | None]] = {}
    for tag, text in reader.children:
        sent.setdefault(tag, []).append(text)
    ref = _readable_ref(sent)
    duplicated = sorted(tag for tag in _KEYS if len(sent.get(tag, [])) > 1)
    if duplicated:
        raise ScaipError(Snu.WRONG_DATA, f"tags sent more than once: {', '.join(duplicated)}", ref)
    missing = [tag for tag in _REQUIRED if sent.get(tag, [""])[0] == ""]
    if missing:
        raise ScaipError(
            Snu.MANDATORY_TAG_MISSING, f"required tags missing: {', '.join(missing)}", ref
        )
    values: dict[str, str | None] = {}
    as_sent: list[tuple[str, str]] = []
    cleaned = ["xml"] if controls_left_out else []
    for tag, texts in sent.items():
        for number, raw in enumerate(texts, start=1):
            text = raw
            if raw is not None:
                text, changed = clean(raw)
                if changed:
                    cleaned.append(tag)
            if number > 1:  # a second copy of an optional tag: the first one counts
                as_sent.append((f"{tag}#{number}", NESTED if text is None else text))
                continue
            values[tag], odd = _read_value(tag, text, ref)
            if odd is not None:
                as_sent.append((tag, odd))
    message_type, priority = values.get("mty"), values.get("pri")
    return ScaipMessage(
        ref=_required(values, "ref"),
        controller_id=_required(values, "cid"),
        device_type=values.get("dty") or "",
        device_id=values.get("did"),
        device_component=values.get("dco"),
        device_text=values.get("dte"),
        message_type=MessageType(message_type) if message_type else MessageType.ALARM,
        status_code=values.get("stc"),
        status_text=values.get("stt"),
        priority=int(priority) if priority else None,
        location_code=values.get("lco"),
        location_value=values.get("lva"),
        location_text=values.get("lte"),
        location_geo=values.get("lge"),
        info_code=values.get("ico"),
        info_text=values.get("ite"),
        callback=values.get("crd"),
        additional=values.get("ame"),
        as_sent=tuple(as_sent),
        cleaned=tuple(cleaned),
    )


def _required(values: dict[str, str | None], tag: str) -> str:
    value = values[tag]
    assert value is not None  # the check for missing tags saw to it
    return value


_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reply(ref: str | None, snu: Snu, heartbeat_interval: int | None = None) -> str:
    """The ``<mrs>`` answer. Without a ``ref`` (it could not be read) the tag is left out.

    ``heartbeat_interval`` (seconds, ``hbi``) tells the controller how often to send a
    heartbeat; a missed one is how we notice a silent alarm line."""
    if ref is not None and _NOT_IN_XML.search(ref):
        raise ValueError("ref contains characters XML cannot carry")
    if heartbeat_interval is not None and heartbeat_interval <= 0:
        raise ValueError(f"heartbeat interval must be positive, not {heartbeat_interval}")
    parts = ['<?xml version="1.0" encoding="UTF-8"?><mrs>']
    if ref is not None:
        parts.append(f"<ref>{escape(ref)}</ref>")
    parts.append(f"<snu>{int(snu)}</snu>")
    if heartbeat_interval is not None:
        parts.append(f"<hbi>{heartbeat_interval}</hbi>")
    parts.append("</mrs>")
    return "".join(parts)
