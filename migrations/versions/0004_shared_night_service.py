"""shared night service

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 22:36:09.303041
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "escalation_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("after_seconds", sa.Integer(), nullable=False),
        sa.Column(
            "target",
            sa.Enum(
                "second_handler",
                "location_staff",
                "phone",
                name="escalationtarget",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.CheckConstraint("after_seconds > 0", name=op.f("ck_escalation_steps_after")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_steps")),
        sa.UniqueConstraint("priority", "number", name=op.f("uq_escalation_steps_priority")),
    )
    op.create_table(
        "alarm_controllers",
        sa.Column("controller_id", sa.String(length=32), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("heartbeat_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("last_heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_down", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_alarm_controllers_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("controller_id", name=op.f("pk_alarm_controllers")),
    )
    op.create_table(
        "night_locations",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_norm_seconds", sa.Integer(), nullable=False),
        sa.Column("on_site_norm_minutes", sa.Integer(), nullable=False),
        sa.Column("staff_phone", sa.String(length=32), nullable=True),
        sa.CheckConstraint("answer_norm_seconds > 0", name=op.f("ck_night_locations_answer_norm")),
        sa.CheckConstraint(
            "on_site_norm_minutes > 0", name=op.f("ck_night_locations_on_site_norm")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_night_locations_location_id_locations")
        ),
        sa.PrimaryKeyConstraint("location_id", name=op.f("pk_night_locations")),
    )
    op.create_table(
        "night_shifts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "desk",
                "mobile",
                name="deskrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("base_location_id", sa.Uuid(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_night_shifts_period")),
        sa.ForeignKeyConstraint(
            ["base_location_id"],
            ["locations.id"],
            name=op.f("fk_night_shifts_base_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_night_shifts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_night_shifts")),
    )
    with op.batch_alter_table("night_shifts", schema=None) as batch_op:
        batch_op.create_index("ix_night_shifts_period", ["starts_at", "ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_night_shifts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "alarm_devices",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("controller_id", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("device_type", sa.String(length=4), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("room", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_alarm_devices_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["alarm_controllers.controller_id"],
            name=op.f("fk_alarm_devices_controller_id_alarm_controllers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_devices")),
        sa.UniqueConstraint(
            "controller_id", "device_id", name=op.f("uq_alarm_devices_controller_id")
        ),
    )
    with op.batch_alter_table("alarm_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alarm_devices_client_id"), ["client_id"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "alarm",
                "call",
                "technical",
                name="incidentkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "acknowledged",
                "triage",
                "visit_needed",
                "dispatched",
                "en_route",
                "on_site",
                "completed",
                "closed",
                name="incidentstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "resolved_remotely",
                "false_alarm",
                "visit_needed",
                "emergency_112",
                "reset_at_source",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("unknown_sender", sa.Boolean(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column("controller_id", sa.String(length=32), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=True),
        sa.Column("device_type", sa.String(length=4), nullable=True),
        sa.Column("status_code", sa.String(length=8), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handler_id", sa.Uuid(), nullable=True),
        sa.Column("triage_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "contact_mode",
            sa.Enum(
                "phone",
                "video",
                "none",
                name="contactmode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carer_id", sa.Uuid(), nullable=True),
        sa.Column("en_route_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_site_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "intervention",
            sa.Enum(
                "reassurance",
                "toileting",
                "repositioning",
                "fall",
                "medication",
                "epilepsy",
                "wandering",
                "technical",
                "none",
                "other",
                name="interventiontype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("log_notes", sa.String(length=4000), nullable=False),
        sa.Column("handover_note", sa.String(length=4000), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalations_done", sa.Integer(), nullable=False),
        sa.Column("next_escalation_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name=op.f("ck_incidents_priority")),
        sa.ForeignKeyConstraint(
            ["carer_id"], ["users.id"], name=op.f("fk_incidents_carer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_incidents_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["users.id"], name=op.f("fk_incidents_handler_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_incidents_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_incidents_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_carer_id"), ["carer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incidents_next_escalation_at"), ["next_escalation_at"], unique=False
        )
        batch_op.create_index(
            "ix_incidents_open_queue", ["state", "priority", "received_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incidents_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incidents_received_at"), ["received_at"], unique=False)

    op.create_table(
        "night_plans",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("epilepsy_protocol", sa.String(length=2000), nullable=False),
        sa.Column("monitoring_consent", sa.Boolean(), nullable=False),
        sa.Column(
            "contact_mode",
            sa.Enum(
                "phone",
                "video",
                "none",
                name="contactmode",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key_information", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_night_plans_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_night_plans")),
    )
    op.create_table(
        "alarm_messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("message_type", sa.String(length=4), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_alarm_messages_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_messages")),
        sa.UniqueConstraint("source", "reference", name=op.f("uq_alarm_messages_source")),
    )
    with op.batch_alter_table("alarm_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alarm_messages_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("by_user_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_incident_events_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_events_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
    )
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_events_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_events_incident_id"))

    op.drop_table("incident_events")
    with op.batch_alter_table("alarm_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_messages_incident_id"))

    op.drop_table("alarm_messages")
    op.drop_table("night_plans")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_received_at"))
        batch_op.drop_index(batch_op.f("ix_incidents_organisation_id"))
        batch_op.drop_index("ix_incidents_open_queue")
        batch_op.drop_index(batch_op.f("ix_incidents_next_escalation_at"))
        batch_op.drop_index(batch_op.f("ix_incidents_location_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_client_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_carer_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("alarm_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alarm_devices_client_id"))

    op.drop_table("alarm_devices")
    with op.batch_alter_table("night_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_night_shifts_user_id"))
        batch_op.drop_index("ix_night_shifts_period")

    op.drop_table("night_shifts")
    op.drop_table("night_locations")
    op.drop_table("alarm_controllers")
    op.drop_table("escalation_steps")
