"""Create or update the demo regions, agencies and users."""

from django.contrib.auth.hashers import check_password, make_password

from organisation.demo.cities import AGENCY_SPECS, AUDITOR, CITIES, PROVINCE, PROVINCE_BUREAU, ROLE_NAMES, STAFF
from organisation.models import Agency, Region, User
from organisation.roles import Role
from organisation.services import user_set_roles


def ensure_regions_and_agencies() -> dict[str, Agency]:
    """Create or update the five regions and seventeen agencies; return agencies by code."""
    province = _region(PROVINCE[0], PROVINCE[1], Region.Level.PROVINCE, None)
    agencies = {
        PROVINCE_BUREAU[0]: _agency(
            PROVINCE_BUREAU[0], PROVINCE_BUREAU[1], Agency.Kind.BUREAU, province, PROVINCE_BUREAU[2]
        )
    }
    for city in CITIES:
        region = _region(city.code, city.name, Region.Level.CITY, province)
        _region(city.county.code, city.county.name, Region.Level.COUNTY, region)
        for suffix, kind, name, prefix in AGENCY_SPECS:
            code = f"{city.code}-{suffix}"
            agencies[code] = _agency(code, name.format(city=city.name), kind, region, prefix.format(abbr=city.abbr))
    return agencies


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return region


def _agency(code: str, name: str, kind: str, region: Region, number_prefix: str) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region, "number_prefix": number_prefix}
    )
    return agency


class PasswordSetter:
    """Give users the demo password, hashing it once and keeping hashes that already match.

    Hashing is slow on purpose (PBKDF2), and rewriting a matching hash would log users out.
    """

    def __init__(self, password: str):
        self.password = password
        self.verified: set[str] = set()
        self.new_hash = ""

    def apply(self, user: User) -> None:
        if user.password in self.verified:
            return
        if user.password and check_password(self.password, user.password):
            self.verified.add(user.password)
            return
        self.new_hash = self.new_hash or make_password(self.password)
        self.verified.add(self.new_hash)
        user.password = self.new_hash


def ensure_users(agencies: dict[str, Agency], passwords: PasswordSetter) -> list[list[str]]:
    """Create or update the demo users with their roles; return rows for the login table.

    The auditor comes first: auditors' groups are granted access when a lead or case is created.
    """
    province_bureau = agencies[PROVINCE_BUREAU[0]]
    rows = [_user(AUDITOR[0], AUDITOR[1], province_bureau, Role.AUDITOR, passwords)]
    for city in CITIES:
        for suffix, role, agency_suffix in STAFF:
            agency = agencies[f"{city.code}-{agency_suffix}"]
            rows.append(_user(f"{city.prefix}_{suffix}", city.people[suffix], agency, role, passwords))
    rows.append(_superuser(passwords))
    return rows


def _user(username: str, full_name: str, agency: Agency, role: str, passwords: PasswordSetter) -> list[str]:
    # Chinese names read surname first; get_full_name() joins first and last, so all of it goes first.
    user, _ = User.objects.get_or_create(username=username)
    user.first_name, user.last_name, user.agency, user.is_active = full_name, "", agency, True
    passwords.apply(user)
    user.save()
    user_set_roles(user=user, roles=[role])
    return [username, full_name, agency.name, ROLE_NAMES[role]]


def _superuser(passwords: PasswordSetter) -> list[str]:
    user, _ = User.objects.get_or_create(username="admin")
    user.first_name, user.last_name, user.agency = "系统管理员", "", None
    user.is_staff = user.is_superuser = user.is_active = True
    passwords.apply(user)
    user.save()
    return ["admin", "系统管理员", "—", "超级管理员（Django 管理后台）"]
