"""The duty engine: each rule's constraint and its own check agree, a rule may span people
(cover), and when no roster exists the clash names its rules and subjects."""

from __future__ import annotations

from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.duties import Duty, DutyProblem, DutyRoster, Person, Post
from regiozorg.roster.duty_rules import (
    HARD_RULES,
    Away,
    Breach,
    ExactCover,
    MostInWindow,
    Pinned,
    RestAfter,
    check_all,
    subject,
)
from regiozorg.roster.duty_solver import clashes, solve

DAY = 24 * 60
ANYWHERE = frozenset({("first", "north"), ("backup", "north")})


def nights(days: int) -> tuple[Duty, ...]:
    """A night duty 17:00-08:00 on each day."""
    return tuple(
        Duty(f"n{d}", d, d * DAY + 17 * 60, (d + 1) * DAY + 8 * 60, frozenset({"night"}))
        for d in range(days)
    )


def pool(days: int, people: tuple[Person, ...], roles: tuple[str, ...] = ("first",)) -> DutyProblem:
    duties = nights(days)
    posts = tuple(Post(d.id, role, "north") for d in duties for role in roles)
    return DutyProblem("test", days, duties, posts, people)


def person(name: str, **kwargs: object) -> Person:
    return Person(name, may=ANYWHERE, **kwargs)  # type: ignore[arg-type]


def test_every_post_is_filled_by_one_allowed_person_and_the_checks_agree() -> None:
    people = (person("a"), person("b"), person("c"), person("d"))
    problem = pool(6, people, roles=("first", "backup"))
    found = solve(problem, HARD_RULES, budget=5, clock=WorkClock())
    assert found.status == "optimal" and found.roster is not None
    assert found.breaches == ()
    for post in problem.posts:
        assert len(found.roster.filled[post.key]) == 1
    first, backup = (
        found.roster.filled[("n0", "first", "north")],
        found.roster.filled[("n0", "backup", "north")],
    )
    assert first != backup  # the backup is not the first line: one duty at a time


def test_a_night_needs_eleven_hours_rest_so_nights_alternate() -> None:
    problem = pool(4, (person("a"), person("b")))
    found = solve(problem, HARD_RULES, budget=5, clock=WorkClock())
    assert found.roster is not None
    a_nights = [key[0] for key in found.roster.duties_of("a")]
    assert a_nights in (["n0", "n2"], ["n1", "n3"])


def test_each_check_finds_what_its_constraint_forbids() -> None:
    problem = pool(30, (person("a", away=frozenset({2})), person("b")))
    lawless = DutyRoster({post.key: ("a",) for post in problem.posts})
    found = set(check_all(problem, lawless, HARD_RULES))
    assert Breach("away", subject(person="a", day=2)) in found
    assert Breach("rest", subject(person="a")) in found
    assert Breach("window", subject(person="a")) in found
    assert not any(b.rule == "cover" for b in found)
    empty = DutyRoster({})
    assert len(ExactCover().check(problem, empty)) == 30
    pinned = Person("b", may=ANYWHERE, pinned=frozenset({("n3", "first", "north")}))
    assert Pinned().check(pool(5, (pinned,)), empty) == [
        Breach("pinned", subject(person="b", duty="n3", role="first", area="north"))
    ]


def test_at_most_so_many_duties_in_any_window() -> None:
    problem = pool(10, (person("a"), person("b"), person("c")))
    rules = (ExactCover(), Away(), RestAfter(), MostInWindow(most=3, days=7))
    found = solve(problem, rules, budget=5, clock=WorkClock())
    assert found.roster is not None and found.breaches == ()
    for who in "abc":
        days = sorted(int(key[0][1:]) for key in found.roster.duties_of(who))
        assert all(sum(s <= d < s + 7 for d in days) <= 3 for s in range(4))


def test_when_nobody_can_take_a_duty_the_clash_names_the_post_and_who_is_away() -> None:
    problem = pool(3, (person("a", away=frozenset({1})), person("b", away=frozenset({1}))))
    assert solve(problem, HARD_RULES, budget=5, clock=WorkClock()).status == "infeasible"
    core = clashes(problem, HARD_RULES, budget=5, clock=WorkClock())
    assert core is not None
    assert Breach("cover", subject(duty="n1", role="first", area="north")) in core
    assert {b.part("person") for b in core if b.rule == "away"} == {"a", "b"}
    assert {b.part("day") for b in core if b.rule == "away"} == {1}


def test_a_lawful_problem_has_no_clash() -> None:
    problem = pool(3, (person("a"), person("b")))
    assert clashes(problem, HARD_RULES, budget=5, clock=WorkClock()) == []
