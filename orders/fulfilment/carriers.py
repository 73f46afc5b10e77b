"""Carriers: the built-in table of Chinese express companies, plus the ones an admin adds (table carriers).

Each carrier has a short code (SF, ZTO …), names in English and Chinese, a pattern its tracking numbers match
where one is known, its codes at the tracking providers (kuaidi100 ``shunfeng``, kdniao ``SF``) and a typical
number of days to deliver, which gives a new shipment its expected arrival.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from re import _parser as sre_parser  # the standard library's own pattern parser: the tree it builds, no matching

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orders.fulfilment.models import CARRIER_CODE_LENGTH, TRACKING_NO_LENGTH, CarrierRecord
from orders.fulfilment.tracking_patterns import backtracks_for_ever, matcher, overlapping_repeats, tracking_matches

CODE_PATTERN = re.compile(r"[A-Z0-9]{2,%d}" % CARRIER_CODE_LENGTH)
# Letters, digits and a dash: what carriers print on waybills (spaces a person types are taken out first).
TRACKING_CHARACTERS = re.compile(r"[A-Z0-9-]{4,%d}" % TRACKING_NO_LENGTH)
MAX_ETA_DAYS = 60


@dataclass(frozen=True)
class Carrier:
    """One carrier as offered in forms and used to validate and track shipments."""

    code: str
    name_en: str
    name_zh: str
    tracking_pattern: str | None
    kuaidi100_code: str | None
    kdniao_code: str | None
    eta_days: int
    builtin: bool = True

    def to_dict(self) -> dict:
        """Return the carrier as JSON-ready data."""
        return asdict(self)

    def name(self, lang: str) -> str:
        """Return the carrier's name in lang ("zh-CN" or "en")."""
        return self.name_zh if lang == "zh-CN" else self.name_en


# Patterns from the waybills each company prints (a number that fits none is refused, so a typo is caught early).
BUILTIN: dict[str, Carrier] = {c.code: c for c in (
    Carrier("SF", "SF Express", "顺丰速运", r"SF\d{13}|\d{12}", "shunfeng", "SF", 2),
    Carrier("ZTO", "ZTO Express", "中通快递", r"\d{12,15}", "zhongtong", "ZTO", 3),
    Carrier("YTO", "YTO Express", "圆通速递", r"YT\d{13}", "yuantong", "YTO", 3),
    Carrier("YD", "Yunda Express", "韵达快递", r"\d{13}|\d{15}", "yunda", "YD", 3),
    Carrier("STO", "STO Express", "申通快递", r"\d{12,15}", "shentong", "STO", 3),
    Carrier("JD", "JD Logistics", "京东物流", r"JD[A-Z0-9]{11,16}", "jd", "JD", 2),
    Carrier("EMS", "China Post EMS", "中国邮政 EMS", r"[A-Z]{2}\d{9}[A-Z]{2}|\d{13}", "ems", "EMS", 4),
    Carrier("JT", "J&T Express", "极兔速递", r"JT\d{13}", "jtexpress", "JTSD", 3),
)}
# Codes people write for a built-in carrier besides its own: the brand as printed ("J&T") is not a valid code.
ALIASES = {"J&T": "JT"}


class CarrierError(ValueError):
    """A carrier or tracking number that cannot be used; field names the input at fault."""

    def __init__(self, code: str, field: str, message: str, status: int = 422):
        super().__init__(message)
        self.code, self.field, self.message, self.status = code, field, message, status


def _from_record(row: CarrierRecord) -> Carrier:
    return Carrier(row.code, row.name_en, row.name_zh, row.tracking_pattern, row.kuaidi100_code, row.kdniao_code,
                   row.eta_days, builtin=False)


def all_carriers(session: Session, active_only: bool = True) -> list[Carrier]:
    """Return the built-in carriers, then the ones admins added (by code)."""
    query = sa.select(CarrierRecord).order_by(CarrierRecord.code)
    if active_only:
        query = query.where(CarrierRecord.active.is_(True))
    return list(BUILTIN.values()) + [_from_record(row) for row in session.scalars(query)]


def find_carrier(session: Session, code: str) -> Carrier | None:
    """Return the active carrier with this code (built-in, an alias of one, or added), or None."""
    code = ALIASES.get(code, code)
    if code in BUILTIN:
        return BUILTIN[code]
    row = session.scalar(sa.select(CarrierRecord).where(CarrierRecord.code == code, CarrierRecord.active.is_(True)))
    return None if row is None else _from_record(row)


def carrier_by_provider_code(session: Session, provider: str, provider_code: str) -> Carrier | None:
    """Return the carrier a tracking provider names by its own code (kuaidi100 "shunfeng", kdniao "SF")."""
    attribute = f"{provider}_code"
    for carrier in all_carriers(session, active_only=False):
        if (getattr(carrier, attribute) or "").lower() == provider_code.lower():
            return carrier
    return None


def normalise_tracking_no(value: str) -> str:
    """Return a tracking number as stored: spaces taken out, letters upper-case."""
    return "".join(value.split()).upper()


def check_tracking_no(carrier: Carrier, value: str) -> str:
    """Return the normalised tracking number, or raise CarrierError when it cannot be one of carrier's."""
    number = normalise_tracking_no(value)
    if not TRACKING_CHARACTERS.fullmatch(number):
        raise CarrierError("invalid_tracking_no", "tracking_no",
                           f"a tracking number has 4 to {TRACKING_NO_LENGTH} letters, digits or dashes")
    if carrier.tracking_pattern and not tracking_matches(carrier.tracking_pattern, number):
        raise CarrierError("invalid_tracking_no", "tracking_no",
                           f"{number} is not a {carrier.name_en} tracking number: check it on the waybill")
    return number


CARRIER_FIELDS = ("code", "name_en", "name_zh", "tracking_pattern", "kuaidi100_code", "kdniao_code", "eta_days")


def check_new_carrier(data: dict) -> dict:
    """Return the fields of a carrier to add, checked (code, names, pattern that compiles, provider codes, days)."""
    unknown = [key for key in data if key not in CARRIER_FIELDS]
    if unknown:  # a misspelt "eta_days" must not add the carrier with the default
        raise CarrierError("unknown_field", str(unknown[0])[:64],
                           f"{str(unknown[0])[:64]} is not a field here; send {', '.join(CARRIER_FIELDS)}", 400)
    code = str(data.get("code") or "").strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise CarrierError("invalid_code", "code", f"code is 2 to {CARRIER_CODE_LENGTH} letters or digits", 400)
    if code in BUILTIN:
        raise CarrierError("carrier_exists", "code", f"{code} is a built-in carrier", 409)
    fields = {"code": code}
    for key, limit in (("name_en", 80), ("name_zh", 80), ("tracking_pattern", 200), ("kuaidi100_code", 32),
                       ("kdniao_code", 16)):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise CarrierError("invalid_type", key, f"{key} must be a string", 400)
        value = (value or "").strip() or None
        if value and len(value) > limit:
            raise CarrierError("too_long", key, f"{key} is longer than {limit} characters", 400)
        fields[key] = value
    fields["name_en"] = fields["name_en"] or code
    fields["name_zh"] = fields["name_zh"] or fields["name_en"]
    if fields["tracking_pattern"]:
        try:
            parsed = sre_parser.parse(fields["tracking_pattern"])
        except re.error as error:
            raise CarrierError("invalid_pattern", "tracking_pattern", f"not a regular expression: {error}", 400) from None
        if backtracks_for_ever(parsed):
            raise CarrierError("invalid_pattern", "tracking_pattern",
                               "a repeated part may not hold another repeat or alternatives (such as (A+)+ or "
                               "(A|B)+): write it as one character class, e.g. [A-Z0-9]+", 400)
        if overlapping_repeats(parsed):
            raise CarrierError("invalid_pattern", "tracking_pattern",
                               "a repeat of varying length may not be followed by what it could match itself "
                               "(such as \\d*\\d* or \\d+\\d*): give each part a fixed length, e.g. \\d{12}", 400)
        if matcher(fields["tracking_pattern"]) is None:
            raise CarrierError("invalid_pattern", "tracking_pattern",
                               "use letters, digits, classes such as [A-Z0-9], groups, | and repeats only (no "
                               "back-references or look-arounds), at most a few thousand positions long", 400)
    days = data.get("eta_days", 3)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_ETA_DAYS:
        raise CarrierError("out_of_range", "eta_days", f"eta_days is a whole number from 1 to {MAX_ETA_DAYS}", 400)
    fields["eta_days"] = days
    return fields


def add_carrier(session: Session, data: dict, actor: str) -> Carrier:
    """Return the carrier added from data (checked by check_new_carrier); 409 when its code is taken."""
    fields = check_new_carrier(data)
    if session.scalar(sa.select(CarrierRecord.id).where(CarrierRecord.code == fields["code"])) is not None:
        raise CarrierError("carrier_exists", "code", f"a carrier {fields['code']} exists already", 409)
    row = CarrierRecord(**fields, created_by=actor)
    try:
        with session.begin_nested():  # two admins adding one code at once: the second gets the 409, not a 500
            session.add(row)
    except IntegrityError:
        raise CarrierError("carrier_exists", "code", f"a carrier {fields['code']} exists already", 409) from None
    return _from_record(row)
