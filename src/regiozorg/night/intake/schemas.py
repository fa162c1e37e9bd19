"""Pydantic models of the alarm intake: an alarm platform's message and a call taken at the desk."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from regiozorg.night.intake.scaip import REF_LENGTH, MessageType, is_usable_ref


def _usable_reference(text: str) -> str:
    if not is_usable_ref(text):
        raise ValueError("a reference is printable text without control characters")
    return text


Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=REF_LENGTH,
        description="Printable text (any letters, digits, punctuation, inner spaces).",
    ),
    AfterValidator(_usable_reference),
]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
CALLBACK_LENGTH = 32
TEXT_LENGTH = 500
LOCATION_LENGTH = 120


class AlarmIn(BaseModel):
    """One message of an alarm platform. ``reference`` is the platform's own id for it: a
    retry with the same reference (and controller) is recognised and not counted twice."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reference: Reference
    controller_id: Code = Field(description="The alarm controller (SCAIP cid).")
    device_id: Code | None = Field(default=None, description="The sensor (SCAIP did).")
    device_type: Annotated[str, Field(pattern=r"^\d{4}$")] | None = Field(
        default="0003",
        description="EN 50134-9 device type, e.g. 0005 fall detector; null when the sender's "
        "could not be read.",
    )
    message_type: MessageType = Field(
        default=MessageType.ALARM, description="ME alarm, RE reset, IN information, PI heartbeat."
    )
    status_code: Annotated[str, Field(pattern=r"^\d{1,8}$")] | None = None
    text: str = Field(default="", description=f"Cut to {TEXT_LENGTH} characters, marked so.")
    priority: Annotated[int, Field(ge=1, le=5)] | None = None
    location_text: str = Field(
        default="", description=f"Cut to {LOCATION_LENGTH} characters, marked so."
    )
    callback: Annotated[str, Field(max_length=CALLBACK_LENGTH)] = ""

    _cut: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _cut_long_texts(self) -> AlarmIn:
        """A text too long is cut, not refused: refusing it would lose the alarm, and its
        first hundreds of characters say what happened. The cut is marked on the incident."""
        for name, length in (("text", TEXT_LENGTH), ("location_text", LOCATION_LENGTH)):
            value: str = getattr(self, name)
            if len(value) > length:
                setattr(self, name, value[:length])
                self._cut.append(name)
        return self

    @property
    def cut(self) -> tuple[str, ...]:
        """The fields that were cut to their length."""
        return tuple(self._cut)


class AlarmAccepted(BaseModel):
    incident_id: UUID | None
    duplicate: bool
