"""The promotions page: every promotion with its counters, create forms per kind, deactivate buttons."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.db import quantize_money
from app.extensions import db
from orders.promotions import manage
from orders.promotions.models import Promotion

bp = Blueprint("promotions", __name__)

# Roles that see the forms and buttons; the API checks the same (app.http.api.roles, admin always).
MANAGER_ROLES = frozenset({"admin", "auditor", "host"})
KIND_LABELS = {"flash": _l("Flash sale"), "coupon": _l("Coupon"), "threshold": _l("Threshold discount"),
               "member": _l("Member price")}
STACKING_LABELS = {"exclusive": _l("Exclusive"), "stackable": _l("Stackable")}


@bp.get("/promotions")
@login_required
def index():
    """The promotions page: the list for everyone, create and deactivate for managers."""
    promotions = manage.list_promotions(db.session)
    strings = {
        "confirmDeactivate": _("Deactivate this promotion? Orders stop getting it; uses already taken stay."),
        "failed": _("Could not save. Try again."),
        "offline": _("The server could not be reached. Try again."),
        "repeatedSku": _("{sku} is on lines {lines}: give each SKU one price."),
    }
    return render_template(
        "promotions/index.html", promotions=promotions, terms=terms, counter=counter,
        kinds=KIND_LABELS, stacking=STACKING_LABELS, strings=strings,
        can_manage=current_user.role in MANAGER_ROLES,
    )


def terms(promotion: Promotion) -> str:
    """Return what the promotion gives, in one line of the viewer's language."""
    if promotion.kind == "flash":
        text = _("%(price)s for %(skus)s", price=_yuan(promotion.price), skus=", ".join(promotion.skus or ()))
        if promotion.per_buyer:
            text += " · " + _("at most %(n)s per buyer", n=promotion.per_buyer)
        return text
    if promotion.kind == "coupon":
        if promotion.coupon_type == "percent":
            text = _("%(percent)s%% off", percent=f"{promotion.value.normalize():f}")
        else:
            text = _("%(amount)s off", amount=_yuan(promotion.value))
        if promotion.max_discount:
            text += " · " + _("at most %(amount)s", amount=_yuan(promotion.max_discount))
        if promotion.min_spend:
            text += " · " + _("from %(amount)s", amount=_yuan(promotion.min_spend))
        if promotion.per_buyer:
            text += " · " + _("%(n)s uses per buyer", n=promotion.per_buyer)
        return text
    if promotion.kind == "threshold":
        text = _("%(off)s off every %(every)s", off=_yuan(promotion.off), every=_yuan(promotion.every))
        if promotion.cap:
            text += " · " + _("at most %(amount)s", amount=_yuan(promotion.cap))
        return text
    prices = promotion.member_prices or {}
    return _("tier %(tier)s: %(n)s SKUs", tier=promotion.tier, n=len(prices))


def counter(promotion: Promotion) -> str:
    """Return the units (flash) or uses (coupon) left, 'unlimited', or an empty string for other kinds."""
    if promotion.kind == "flash":
        return str(promotion.remaining)
    if promotion.kind == "coupon":
        return _("unlimited") if promotion.uses_left is None else str(promotion.uses_left)
    return ""


def _yuan(amount: Decimal | None) -> str:
    return "" if amount is None else f"¥{quantize_money(amount):.2f}"
