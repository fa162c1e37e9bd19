"""Reading and writing master-data files, without a database.

A refused file must tell the user every problem at once, each by line (the header is line 1)
and field, so that one round of corrections is enough.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from regiozorg.network.exchange import (
    Batch,
    ImportRefusedError,
    Problem,
    parse_csv,
    parse_json,
    to_csv,
    to_json,
)
from regiozorg.network.rules import OrganisationKind, Profession, WardType
from regiozorg.network.schemas import (
    LocationIn,
    NetworkDocument,
    OrganisationIn,
    Record,
    StaffIn,
    TravelTimeIn,
    UnitIn,
)

LOCATION_HEADER = "organisation,code,name,address,postcode,town,latitude,longitude,care_offered"
LINDEHOF_MEPPEL = (
    "Zorggroep Lindehof,ZL-MEPP-1,Lindehof Meppel,Brink 1,7941 AB,Meppel,52.6958,6.1944"
)


def refused(parse: Callable[..., Batch], *args: str) -> list[Problem]:
    with pytest.raises(ImportRefusedError) as raised:
        parse(*args)
    return raised.value.problems


def where(problems: list[Problem]) -> list[tuple[int | str, str]]:
    return [(p.line, p.field) for p in problems]


# --- CSV, happy paths: one per record kind --------------------------------------------------


def test_organisations_csv_is_read_with_its_line_numbers() -> None:
    batch = parse_csv(
        "organisations",
        "name,kind,agb_code\nZorggroep Lindehof,vvt,12345678\nHuisartsenpost Zuidwest,gp_post,\n",
    )
    assert batch.region is None
    assert batch.items == {
        "organisations": [
            (
                2,
                OrganisationIn(
                    name="Zorggroep Lindehof", kind=OrganisationKind.VVT, agb_code="12345678"
                ),
            ),
            (3, OrganisationIn(name="Huisartsenpost Zuidwest", kind=OrganisationKind.GP_POST)),
        ]
    }


def test_locations_csv_normalises_the_postcode_and_splits_the_care_offered() -> None:
    text = (
        f"{LOCATION_HEADER}\n"
        "Zorggroep Lindehof,ZL-MEPP-1,Lindehof Meppel,Brink 1,7941ab,Meppel,52.6958,6.1944,pg;elv\n"
    )
    [(line, location)] = parse_csv("locations", text).items["locations"]
    assert line == 2
    assert location == LocationIn(
        organisation="Zorggroep Lindehof",
        code="ZL-MEPP-1",
        name="Lindehof Meppel",
        address="Brink 1",
        postcode="7941 AB",
        town="Meppel",
        latitude=52.6958,
        longitude=6.1944,
        care_offered=["pg", "elv"],
    )


def test_units_csv_is_read() -> None:
    batch = parse_csv("units", "location,name,ward_type\nZL-MEPP-1,PG Meppel,pg\n")
    assert batch.items["units"] == [
        (2, UnitIn(location="ZL-MEPP-1", name="PG Meppel", ward_type=WardType.PG))
    ]


def test_staff_csv_reads_an_empty_base_location_as_none() -> None:
    batch = parse_csv(
        "staff",
        "organisation,staff_number,name,profession,fte,base_location\n"
        "Zorggroep Lindehof,P1,Anna Bakker,so,0.89,ZL-MEPP-1\n"
        "Zorggroep Lindehof,P2,Bram Bos,verpleegkundige,1.0,\n",
    )
    assert [record for _, record in batch.items["staff"]] == [
        StaffIn(
            organisation="Zorggroep Lindehof",
            staff_number="P1",
            name="Anna Bakker",
            profession=Profession.SO,
            fte=0.89,
            base_location="ZL-MEPP-1",
        ),
        StaffIn(
            organisation="Zorggroep Lindehof",
            staff_number="P2",
            name="Bram Bos",
            profession=Profession.VERPLEEGKUNDIGE,
            fte=1.0,
            base_location=None,
        ),
    ]


def test_travel_times_csv_accepts_a_postcode_area_as_origin() -> None:
    batch = parse_csv("travel_times", "origin,destination,minutes\n7941,ZL-MEPP-1,12\n")
    assert batch.items["travel_times"] == [
        (2, TravelTimeIn(origin="7941", destination="ZL-MEPP-1", minutes=12))
    ]


def test_a_byte_order_mark_from_excel_does_not_hide_the_first_column() -> None:
    batch = parse_csv("units", "\ufefflocation,name,ward_type\nZL-MEPP-1,PG Meppel,pg\n")
    unit = batch.items["units"][0][1]
    assert isinstance(unit, UnitIn)
    assert unit.location == "ZL-MEPP-1"


# --- CSV, refusals --------------------------------------------------------------------------


def test_a_bad_postcode_is_named_by_line_and_field() -> None:
    text = (
        f"{LOCATION_HEADER}\n"
        f"{LINDEHOF_MEPPEL},pg\n"
        "Zorggroep Lindehof,ZL-HAVE-2,Lindehof Havelte,Brink 2,0123 AB,Havelte,52.7697,6.2375,pg\n"
    )
    problems = refused(parse_csv, "locations", text)
    assert where(problems) == [(3, "postcode")]
    assert "regel 3, veld 'postcode'" in str(ImportRefusedError(problems))


def test_an_unknown_organisation_kind_is_named() -> None:
    problems = refused(parse_csv, "organisations", "name,kind\nA,vvt\nB,hospice\n")
    assert where(problems) == [(3, "kind")]


def test_an_unknown_record_kind_is_refused() -> None:
    problems = refused(parse_csv, "beds", "name\nPG 1\n")
    assert where(problems) == [(1, "kind")]
    assert "beds" in str(problems[0])


def test_a_missing_required_column_is_named_on_the_header_line() -> None:
    problems = refused(parse_csv, "units", "location,name\nZL-MEPP-1,PG Meppel\n")
    assert where(problems) == [(1, "ward_type")]
    assert problems[0].message == "kolom ontbreekt"


def test_an_unknown_column_is_named_on_the_header_line() -> None:
    problems = refused(parse_csv, "organisations", "name,kind,colour\nA,vvt,blue\n")
    assert where(problems) == [(1, "colour")]
    assert problems[0].message == "onbekende kolom"


def test_a_row_with_more_cells_than_columns_is_refused() -> None:
    problems = refused(parse_csv, "units", "location,name,ward_type\nZL-MEPP-1,PG,pg,extra\n")
    assert where(problems) == [(2, "-")]
    assert problems[0].message == "meer cellen dan kolommen"


def test_every_problem_in_the_file_is_reported_at_once() -> None:
    text = (
        f"{LOCATION_HEADER}\n"
        f"{LINDEHOF_MEPPEL},pg\n"  # line 2: fine
        "Zorggroep Lindehof,ZL-HAVE-2,Lindehof Havelte,Brink 2,0123 AB,Havelte,52.7697,6.2375,\n"
        "Zorggroep Lindehof,ZL-NIJE-3,Lindehof Nijeveen,Brink 3,7948 AA,Nijeveen,52.7,6.2,pg,x\n"
        "Zorggroep Lindehof,ZL PARI,Lindehof Parijs,Rue 1,7941 AB,Parijs,48.8566,2.3522,\n"
        "\n"  # blank lines are skipped but still counted
        "Zorggroep Lindehof,ZL-MEPP-6,,Brink 6,7941 AB,Meppel,52.6958,east,\n"
    )
    problems = refused(parse_csv, "locations", text)
    assert where(problems) == [
        (3, "postcode"),
        (4, "-"),
        (5, "code"),
        (5, "longitude"),
        (7, "name"),
        (7, "longitude"),
    ]
    assert problems[3].message == "de coördinaten liggen buiten Nederland"


def test_header_problems_are_reported_together() -> None:
    problems = refused(parse_csv, "organisations", "name,colour,size\nA,blue,3\n")
    assert where(problems) == [(1, "colour"), (1, "size"), (1, "kind")]


def test_a_quoted_cell_across_lines_does_not_shift_later_line_numbers() -> None:
    text = 'name,kind\n"Zorggroep\nLindehof",vvt\nB,hospice\n'
    assert where(refused(parse_csv, "organisations", text)) == [(4, "kind")]


def test_the_refusal_says_nothing_was_saved_and_lists_the_problems() -> None:
    with pytest.raises(ImportRefusedError) as raised:
        parse_csv("organisations", "name,kind\nA,hospice\n")
    assert "niets is opgeslagen" in str(raised.value)
    assert raised.value.details == [
        {"line": 2, "field": "kind", "message": str(raised.value.problems[0]).split(": ", 1)[1]}
    ]


# --- JSON -----------------------------------------------------------------------------------


def test_invalid_json_names_the_line_where_it_breaks() -> None:
    text = "\n".join(
        [
            "{",
            '  "region": "Zuidwest-Drenthe",',
            '  "organisations": [',
            '    {"name": "A", "kind": "vvt"}',
            '    {"name": "B", "kind": "vvt"}',  # line 5: the comma before it is missing
            "  ]",
            "}",
        ]
    )
    problems = refused(parse_json, text)
    assert where(problems) == [(5, "-")]
    assert problems[0].message.startswith("ongeldige JSON")


def test_a_wrong_field_in_json_names_the_record_and_field() -> None:
    good = {
        "organisation": "Zorggroep Lindehof",
        "code": "ZL-MEPP-1",
        "name": "Lindehof Meppel",
        "address": "Brink 1",
        "postcode": "7941 AB",
        "town": "Meppel",
        "latitude": 52.6958,
        "longitude": 6.1944,
    }
    bad = {**good, "code": "ZL-MEPP-2", "postcode": "0123 AB", "colour": "blue"}
    document = {"region": "Zuidwest-Drenthe", "locations": [good, bad]}
    problems = refused(parse_json, json.dumps(document))
    assert where(problems) == [("locations[1]", "postcode"), ("locations[1]", "colour")]


def test_a_json_document_without_region_is_refused() -> None:
    assert where(refused(parse_json, '{"organisations": []}')) == [("-", "region")]


def test_json_records_are_named_by_their_place_in_the_document() -> None:
    document = NetworkDocument(
        region="Zuidwest-Drenthe",
        organisations=[
            OrganisationIn(name="Zorggroep Lindehof", kind=OrganisationKind.VVT),
            OrganisationIn(name="Stichting Heidezicht", kind=OrganisationKind.VVT),
        ],
        units=[UnitIn(location="ZL-MEPP-1", name="PG Meppel", ward_type=WardType.PG)],
    )
    batch = parse_json(to_json(document))
    assert batch.region == "Zuidwest-Drenthe"
    assert [line for line, _ in batch.items["organisations"]] == [
        "organisations[0]",
        "organisations[1]",
    ]
    assert batch.items["units"] == [("units[0]", document.units[0])]
    assert batch.items["staff"] == []


# --- writing and reading back ---------------------------------------------------------------

ROUND_TRIP: dict[str, list[Record]] = {
    "organisations": [
        OrganisationIn(name="Zorggroep Lindehof", kind=OrganisationKind.VVT, agb_code="12345678"),
        OrganisationIn(name='Stichting "Heidezicht", Hoogeveen', kind=OrganisationKind.VVT),
        # a name a spreadsheet would run as a formula: written neutralised, read back as typed
        OrganisationIn(name='=HYPERLINK("http://x.example","Zorg")', kind=OrganisationKind.VVT),
    ],
    "locations": [
        LocationIn(
            organisation="Zorggroep Lindehof",
            code="ZL-MEPP-1",
            name="Lindehof Meppel",
            address="Brink 1",
            postcode="7941 AB",
            town="Meppel",
            latitude=52.69581,
            longitude=6.19443,
            care_offered=["pg", "somatiek", "elv"],
        ),
        LocationIn(
            organisation="Zorggroep Lindehof",
            code="ZL-HAVE-2",
            name="Lindehof Havelte",
            address="Brink 2",
            postcode="7971",
            town="Havelte",
            latitude=52.7697,
            longitude=6.2375,
        ),
    ],
    "units": [UnitIn(location="ZL-MEPP-1", name="PG Meppel", ward_type=WardType.PG)],
    "staff": [
        StaffIn(
            organisation="Zorggroep Lindehof",
            staff_number="P1",
            name="Anna Bakker",
            profession=Profession.SO,
            fte=0.89,
            base_location="ZL-MEPP-1",
        ),
        StaffIn(
            organisation="Zorggroep Lindehof",
            staff_number="P2",
            name="Bram Bos",
            profession=Profession.PLANNER,
            fte=0.5,
        ),
    ],
    "travel_times": [TravelTimeIn(origin="7941", destination="ZL-HAVE-2", minutes=14)],
}


@pytest.mark.parametrize("kind", list(ROUND_TRIP))
def test_a_written_csv_reads_back_as_the_same_records(kind: str) -> None:
    records = ROUND_TRIP[kind]
    batch = parse_csv(kind, to_csv(kind, records))
    assert [record for _, record in batch.items[kind]] == records
    assert [line for line, _ in batch.items[kind]] == list(range(2, 2 + len(records)))


def test_a_formula_in_a_name_is_written_as_text() -> None:
    text = to_csv("organisations", ROUND_TRIP["organisations"])
    assert text.splitlines()[3].startswith('"\'=HYPERLINK(""http://x.example"",""Zorg"")"')


def test_lists_are_written_to_a_csv_cell_as_semicolon_separated() -> None:
    text = to_csv("locations", ROUND_TRIP["locations"])
    lines = text.splitlines()
    assert lines[0] == LOCATION_HEADER
    assert lines[1].endswith(",pg;somatiek;elv")
    assert lines[2].endswith(",")  # no care offered: an empty cell


def test_list_cells_ignore_spaces_and_empty_parts() -> None:
    text = f"{LOCATION_HEADER}\n{LINDEHOF_MEPPEL}, pg ; ;somatiek;\n"
    [(_, location)] = parse_csv("locations", text).items["locations"]
    assert isinstance(location, LocationIn)
    assert location.care_offered == ["pg", "somatiek"]


def test_a_written_json_document_reads_back_unchanged() -> None:
    document = NetworkDocument(region="Zuidwest-Drenthe", **ROUND_TRIP)
    batch = parse_json(to_json(document))
    assert {kind: [r for _, r in items] for kind, items in batch.items.items()} == ROUND_TRIP
