"""Generic object-rule predicates (own records, managers up a chain) with plain users."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Group, User

from urakata.core.permissions import capability, chain, manages, owns, same_user
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db


@dataclass
class Person:
    """A stand-in for an employee: a login user, a boss and a unit."""

    user: Any
    boss: Person | None = None
    unit: Unit | None = None


@dataclass
class Unit:
    """A stand-in for a department: a head and a parent unit."""

    head: Person | None = None
    parent: Unit | None = None


@dataclass
class Claim:
    """A stand-in for a record someone owns (an expense claim)."""

    person: Person


def _user(name: str, *roles: Role) -> User:
    user = User.objects.create_user(username=name, password="x")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def _managers(claim: Claim) -> list[Any]:
    """The claimant's boss chain and the heads of their unit and its parents."""
    bosses = [p.user for p in chain(claim.person.boss, lambda p: p.boss)]
    heads = [u.head.user for u in chain(claim.person.unit, lambda u: u.parent) if u.head]
    return bosses + heads


@pytest.fixture
def org() -> dict[str, Any]:
    ceo = Person(_user("ceo"))
    head = Person(_user("head"), boss=ceo)
    lead = Person(_user("lead"), boss=head)
    staff = Person(_user("staff"), boss=lead)
    other = Person(_user("other"))
    company = Unit(head=ceo)
    sales = Unit(head=head, parent=company)
    staff.unit = sales
    return {"ceo": ceo, "head": head, "lead": lead, "staff": staff, "other": other}


@pytest.fixture
def ruleset() -> rules.RuleSet:
    claim_owner = owns(lambda claim: claim.person.user)
    claim_manager = manages(_managers)
    rs = rules.RuleSet()
    rs.add_rule("view_claim", claim_owner | claim_manager | capability("core.view_audit"))
    rs.add_rule("edit_claim", claim_owner)
    rs.add_rule("approve_claim", claim_manager & ~claim_owner)
    return rs


def test_owner_may_view_and_edit_own_record(org: dict[str, Any], ruleset: rules.RuleSet) -> None:
    claim = Claim(org["staff"])
    assert ruleset.test_rule("view_claim", org["staff"].user, claim)
    assert ruleset.test_rule("edit_claim", org["staff"].user, claim)
    assert not ruleset.test_rule("approve_claim", org["staff"].user, claim)


def test_managers_up_the_chain(org: dict[str, Any], ruleset: rules.RuleSet) -> None:
    claim = Claim(org["staff"])
    for name in ("lead", "head", "ceo"):  # boss, boss's boss, and the unit heads
        assert ruleset.test_rule("view_claim", org[name].user, claim), name
        assert ruleset.test_rule("approve_claim", org[name].user, claim), name
        assert not ruleset.test_rule("edit_claim", org[name].user, claim), name


def test_strangers_are_refused(org: dict[str, Any], ruleset: rules.RuleSet) -> None:
    claim = Claim(org["staff"])
    for user in (org["other"].user, AnonymousUser(), None):
        assert not ruleset.test_rule("view_claim", user, claim)
        assert not ruleset.test_rule("approve_claim", user, claim)
    # A subordinate does not manage the boss.
    assert not ruleset.test_rule("approve_claim", org["staff"].user, Claim(org["lead"]))


def test_capability_opens_what_ownership_does_not(
    org: dict[str, Any], ruleset: rules.RuleSet
) -> None:
    auditor = _user("auditor", Role.AUDITOR)
    claim = Claim(org["staff"])
    assert ruleset.test_rule("view_claim", auditor, claim)
    assert not ruleset.test_rule("edit_claim", auditor, claim)


def test_inactive_user_owns_nothing(org: dict[str, Any], ruleset: rules.RuleSet) -> None:
    staff = org["staff"].user
    staff.is_active = False
    assert not ruleset.test_rule("edit_claim", staff, Claim(org["staff"]))


def test_no_object_means_no_object_permission(org: dict[str, Any]) -> None:
    predicate = owns(lambda claim: claim.person.user)
    assert not predicate.test(org["staff"].user, None)


def test_chain_stops_on_cycles_and_depth(db: Any) -> None:
    a = Person(_user("a"))
    b = Person(_user("b"), boss=a)
    a.boss = b  # bad data: a cycle
    assert [p.user.username for p in chain(a, lambda p: p.boss)] == ["a", "b"]
    people = [Person(_user(f"p{i}")) for i in range(5)]
    for lower, upper in itertools.pairwise(people):
        lower.boss = upper
    assert len(list(chain(people[0], lambda p: p.boss, max_depth=3))) == 3


def test_chain_identifies_rows_by_primary_key(db: Any) -> None:
    """Two fetches of the same row are different objects; the cycle is still seen."""
    user = _user("loop")
    fetched = [User.objects.get(pk=user.pk) for _ in range(10)]
    steps = iter(fetched)
    assert len(list(chain(user, lambda _u: next(steps)))) == 1


def test_same_user_needs_saved_users() -> None:
    assert not same_user(None, None)
    assert not same_user(User(), User())
