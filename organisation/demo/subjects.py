"""Generate each city's demo subjects and create the missing ones."""

import datetime
import random

from casework.models import Subject
from casework.models.subjects import id_check_digit, mask_id_number
from organisation.demo.cities import CITIES, City
from organisation.demo.subject_names import (
    CLINIC_KINDS,
    DEPARTMENTS,
    GIVEN_NAMES,
    HOSPITALS,
    INSURANCE_SCHEMES,
    PHARMACY_BRANDS,
    SURNAMES,
)
from organisation.models import Region

SUBJECT_SEED = 3207_0400
COUNTS = {"clinic": 8, "pharmacy": 35, "insured": 50, "practitioner": 25}


def ensure_subjects() -> int:
    """Create the demo subjects that are missing; existing ones are left as they are."""
    rng = random.Random(SUBJECT_SEED)
    specs = [spec for city in CITIES for spec in SubjectGenerator(city, rng).generate()]
    existing = set(Subject.objects.filter(code__in=[s["code"] for s in specs]).values_list("kind", "code"))
    regions = {region.code: region for region in Region.objects.all()}
    created = 0
    for spec in specs:
        if (spec["kind"], spec["code"]) in existing:
            continue
        institution_code = spec.pop("institution_code", "")
        Subject.objects.create(
            **{**spec, "region": regions[spec["region"]]},
            institution=Subject.objects.filter(code=institution_code).first() if institution_code else None,
        )
        created += 1
    return created


class SubjectGenerator:
    """Build one city's subjects (dicts of Subject fields) from name patterns and a seeded generator."""

    def __init__(self, city: City, rng: random.Random):
        self.city, self.rng = city, rng
        self.used_codes: set[str] = set()
        # Every place a shop or clinic can be: (district-level code, region code, district name, street).
        self.places = [(d.code, city.code, d.name, s) for d in city.districts for s in d.streets] + [
            (city.county.code, city.county.code, city.county.name, s) for s in city.county.streets
        ]

    def generate(self) -> list[dict]:
        institutions = self.hospitals() + self.community_centres() + self.clinics()
        pharmacies = self.pharmacies()
        return institutions + pharmacies + self.insured() + self.practitioners(institutions, pharmacies)

    def _code(self, letter: str, area: str, digits: int) -> str:
        while True:
            code = f"{letter}{area}{self.rng.randrange(1, 10**digits):0{digits}d}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _institution(self, name, level, ownership, category, area, region, address) -> dict:
        return {
            "kind": Subject.Kind.INSTITUTION,
            "code": self._code("H", area, 5),
            "name": name,
            "region": region,
            "level": level,
            "ownership": ownership,
            "category": category,
            "address": address,
        }

    def _address(self, district: str, street: str) -> str:
        road = self.rng.choice(("人民路", "解放路", "建设路", "通灌路", "朝阳路", "新民路", "和平路", "育才路"))
        return f"{district}{street}{road}{self.rng.randint(1, 399)}号"

    def hospitals(self) -> list[dict]:
        city, county = self.city, self.city.county
        result = []
        for pattern, level, ownership, category, in_county in HOSPITALS:
            name = pattern.format(c=city.name, s=city.short, k=county.name)
            district = county if in_county else self.rng.choice(city.districts)
            region = county.code if in_county else city.code
            address = self._address(district.name, self.rng.choice(district.streets))
            result.append(self._institution(name, level, ownership, category, district.code, region, address))
        return result

    def community_centres(self) -> list[dict]:
        """One 社区卫生服务中心 per street (街道), one 卫生院 per town (镇)."""
        result = []
        for area, region, district, street in self.places:
            if street.endswith("镇"):
                name, category = f"{district}{street}卫生院", "乡镇卫生院"
            else:
                name, category = f"{district}{street}社区卫生服务中心", "社区卫生服务中心"
            result.append(
                self._institution(name, "1", "public", category, area, region, self._address(district, street))
            )
        return result

    def clinics(self) -> list[dict]:
        result = []
        for _ in range(COUNTS["clinic"]):
            area, region, district, street = self.rng.choice(self.places)
            suffix, category = self.rng.choice(CLINIC_KINDS)
            owner = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
            result.append(
                self._institution(
                    f"{district}{owner}{suffix}",
                    "0",
                    "private",
                    category,
                    area,
                    region,
                    self._address(district, street),
                )
            )
        return result

    def pharmacies(self) -> list[dict]:
        result, names = [], set()
        while len(result) < COUNTS["pharmacy"]:
            area, region, district, street = self.rng.choice(self.places)
            brand = self.rng.choice(PHARMACY_BRANDS)
            branch = street.removesuffix("街道").removesuffix("镇")
            chain = self.rng.random() < 0.8
            if chain:
                name = f"{self.city.short}{brand}（{branch}店）"
            else:
                name = f"{district}{branch}{brand.removesuffix('大药房')}药店"
            if name in names:
                continue
            names.add(name)
            result.append(
                {
                    "kind": Subject.Kind.PHARMACY,
                    "code": self._code("P", area, 5),
                    "name": name,
                    "region": region,
                    "ownership": "private",
                    "category": "连锁药店" if chain else "单体药店",
                    "address": self._address(district, street),
                }
            )
        return result

    def _person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def _id_number(self, area: str) -> str:
        birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 60 * 365))
        body = f"{area}{birth:%Y%m%d}{self.rng.randrange(0, 1000):03d}"
        return body + id_check_digit(body)

    def insured(self) -> list[dict]:
        result = []
        for _ in range(COUNTS["insured"]):
            area, region, district, street = self.rng.choice(self.places)
            result.append(
                {
                    "kind": Subject.Kind.INSURED,
                    "code": self._code("", region, 10),
                    "name": self._person_name(),
                    "region": region,
                    "category": self.rng.choice(INSURANCE_SCHEMES),
                    "address": self._address(district, street),
                    "id_number_masked": mask_id_number(self._id_number(area)),
                }
            )
        return result

    def practitioners(self, institutions: list[dict], pharmacies: list[dict]) -> list[dict]:
        """Doctors of the city's hospitals and clinics; a few licensed pharmacists of its pharmacies."""
        result = []
        for index in range(COUNTS["practitioner"]):
            pharmacist = index % 5 == 4
            employer = self.rng.choice(pharmacies if pharmacist else institutions)
            result.append(
                {
                    "kind": Subject.Kind.PRACTITIONER,
                    "name": self._person_name(),
                    "code": self._code("Y" if pharmacist else "D", employer["code"][1:7], 6),
                    "region": employer["region"],
                    "profession": Subject.Profession.PHARMACIST if pharmacist else Subject.Profession.DOCTOR,
                    "category": "执业药师" if pharmacist else self.rng.choice(DEPARTMENTS),
                    "institution_code": employer["code"],
                }
            )
        return result
