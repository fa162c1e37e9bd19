"""Pure rules of the network: distances, travel-time estimates, postcodes, coordinates."""

from __future__ import annotations

import pytest

from regiozorg.network.rules import (
    estimated_travel_minutes,
    great_circle_km,
    normalise_postcode,
    valid_coordinates,
)

MEPPEL = (52.6958, 6.1944)
HOOGEVEEN = (52.7233, 6.4760)


def test_meppel_to_hoogeveen_is_about_nineteen_kilometres() -> None:
    # By hand, flat-earth (equirectangular) approximation, good to metres over 20 km:
    #   one degree of latitude = 6371.0 km x pi / 180 = 111.19 km
    #   north-south: (52.7233 - 52.6958) = 0.0275 deg x 111.19     =  3.06 km
    #   east-west:   (6.4760 - 6.1944)   = 0.2816 deg x 111.19
    #                x cos(mean latitude 52.71 deg = 0.6059)      = 18.97 km
    #   distance = sqrt(3.06^2 + 18.97^2) = sqrt(9.36 + 359.9)    = 19.22 km
    assert great_circle_km(*MEPPEL, *HOOGEVEEN) == pytest.approx(19.22, abs=0.5)


def test_distance_is_the_same_both_ways_and_zero_to_itself() -> None:
    assert great_circle_km(*MEPPEL, *HOOGEVEEN) == pytest.approx(
        great_circle_km(*HOOGEVEEN, *MEPPEL)
    )
    assert great_circle_km(*MEPPEL, *MEPPEL) == 0.0


def test_travel_estimate_is_distance_times_detour_over_speed() -> None:
    # 19.22 km x 1.3 = 24.98 km at 60 km/h = 24.98 minutes, shown as 25
    assert estimated_travel_minutes(MEPPEL, HOOGEVEEN, detour_factor=1.3, speed_kmh=60) == 25


def test_a_larger_detour_factor_means_a_longer_journey() -> None:
    straight = estimated_travel_minutes(MEPPEL, HOOGEVEEN, detour_factor=1.0, speed_kmh=60)
    winding = estimated_travel_minutes(MEPPEL, HOOGEVEEN, detour_factor=1.5, speed_kmh=60)
    assert straight == 20  # 19.22 minutes, rounded up
    assert winding == 29  # 28.83 minutes, rounded up


def test_half_the_speed_takes_twice_as_long() -> None:
    fast = estimated_travel_minutes(MEPPEL, HOOGEVEEN, detour_factor=1.3, speed_kmh=60)
    slow = estimated_travel_minutes(MEPPEL, HOOGEVEEN, detour_factor=1.3, speed_kmh=30)
    assert fast == 25  # 24.98
    assert slow == 50  # 49.96


def test_any_distance_at_all_takes_at_least_a_minute() -> None:
    # about 110 metres: a fraction of a minute is rounded up, never down to zero
    next_door = (MEPPEL[0] + 0.001, MEPPEL[1])
    assert estimated_travel_minutes(MEPPEL, next_door, detour_factor=1.3, speed_kmh=60) == 1


def test_no_travel_to_the_same_point() -> None:
    assert estimated_travel_minutes(MEPPEL, MEPPEL, detour_factor=1.3, speed_kmh=60) == 0


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("7941ab", "7941 AB"),
        ("7941 AB", "7941 AB"),
        ("  7941 ab ", "7941 AB"),
        ("7941", "7941"),
    ],
)
def test_postcodes_are_written_the_dutch_way(typed: str, normalised: str) -> None:
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize("typed", ["0123 AB", "794 AB", "79411 AB", "7941 A", "7941-AB", "AB 7941"])
def test_what_is_no_dutch_postcode_is_refused(typed: str) -> None:
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize(
    ("place", "latitude", "longitude"),
    [("Meppel", 52.6958, 6.1944), ("Maastricht", 50.8514, 5.6910), ("Groningen", 53.2194, 6.5665)],
)
def test_dutch_towns_have_valid_coordinates(place: str, latitude: float, longitude: float) -> None:
    assert valid_coordinates(latitude, longitude), place


@pytest.mark.parametrize(
    ("place", "latitude", "longitude"),
    [
        ("Parijs", 48.8566, 2.3522),
        ("Hamburg", 53.5511, 9.9937),
        ("Willemstad, Curaçao", 12.1091, -68.9316),
        ("latitude and longitude swapped for Meppel", 6.1944, 52.6958),
    ],
)
def test_places_outside_the_netherlands_are_refused(
    place: str, latitude: float, longitude: float
) -> None:
    assert not valid_coordinates(latitude, longitude), place
