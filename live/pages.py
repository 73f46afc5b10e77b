"""Pages of the live domain: the broadcast list (filters, new broadcast), a broadcast's set-up page (line-up) and
the host's live page. Every change goes through /api/v1 from the page's script; these views only render."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import ApiError
from app.extensions import db
from live import broadcasts as lineup
from live.api.broadcasts import FORM_PLATFORMS, list_filters
from live.models import BROADCAST_LABELS, BROADCAST_STATUSES, Broadcast

bp = Blueprint("live", __name__)

# Roles that see the set-up forms and the pin and flash buttons; the API checks the same (admin always passes).
MANAGER_ROLES = frozenset({"admin", "host"})
# Roles that can open the audit queue from the held-orders total (base.html shows them the same link).
AUDIT_ROLES = frozenset({"admin", "auditor"})
STATUS_LABELS = {
    "received": _l("received"), "accepted": _l("accepted"), "held": _l("held"), "waitlisted": _l("waitlisted"),
    "rejected": _l("rejected"), "paid": _l("paid"), "cancelled": _l("cancelled"), "expired": _l("expired"),
    "claimed": _l("chat claim"),
}


# The platforms the New broadcast form offers, by their names in the reader's language (others show as stored).
PLATFORM_NAMES = {"douyin": _l("Douyin (抖音)"), "kuaishou": _l("Kuaishou (快手)"), "taobao": _l("Taobao Live (淘宝直播)"),
                  "tiktok": _l("TikTok"), "wechat": _l("WeChat Channels (视频号)")}


@bp.app_template_filter("platform_name")
def platform_name(key: str) -> str:
    """Return a broadcast's platform as people call it (douyin: 抖音), or the stored name when LiveDesk knows no other."""
    return str(PLATFORM_NAMES[key]) if key in PLATFORM_NAMES else key


def _can_manage() -> bool:
    return current_user.role in MANAGER_ROLES


def _common_strings() -> dict:
    """Return the messages every set-up script shows, in the user's language."""
    return {"failed": _("Could not save. Try again."), "offline": _("The server could not be reached. Try again.")}


@bp.get("/")
@login_required
def index():
    """List broadcasts (live first), filtered by status and date; hosts and admins also get the new-broadcast form."""
    error = None
    try:
        status, since, until = list_filters()
    except ApiError as refused:
        error, (status, since, until) = refused.message, (None, None, None)
    broadcasts = lineup.list_broadcasts(db.session, status, since, until, live_first=True)
    return render_template("live/index.html", broadcasts=broadcasts, labels=BROADCAST_LABELS,
                           statuses=BROADCAST_STATUSES, platforms=FORM_PLATFORMS, filter_error=error,
                           filtered=any(request.args.get(k) for k in ("status", "from", "to")),
                           can_manage=_can_manage(), strings=_common_strings())


def _broadcast_or_404(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    return broadcast


@bp.get("/broadcasts/<int:broadcast_id>")
@login_required
def setup_page(broadcast_id: int):
    """A broadcast's set-up page: title and planned start, start and end, and the line-up to build."""
    broadcast = _broadcast_or_404(broadcast_id)
    strings = _common_strings() | {
        "confirmStart": _("Start this broadcast now? Its time starts counting for the metrics."),
        "confirmEnd": _("End this broadcast now? It cannot be started again."),
        "confirmRemove": _("Take {name} off the line-up? Orders already placed keep it."),
        "empty": _("No products in the line-up yet. Search the catalogue below to add some."),
        "noMatch": _("No product matches."), "inLineup": _("in the line-up"), "add": _("Add"),
        "save": _("Save"), "remove": _("Remove"), "up": _("Move up"), "down": _("Move down"),
        "link": _("Link {n}"), "pinned": _("pinned"), "saved": _("Saved."),
        # API errors name fields by their API names: the script shows the form's labels instead.
        "fieldLabels": {"link_no": _("Link number"), "live_price": _("Live price"), "title": _("Title"),
                        "planned_start_at": _("Planned start")},
    }
    return render_template("live/setup.html", broadcast=broadcast, labels=BROADCAST_LABELS, strings=strings,
                           can_manage=_can_manage())


def _host_strings() -> dict:
    """Return the labels and messages the host page's scripts show, in the user's language."""
    return {key: str(value) for key, value in STATUS_LABELS.items()} | {
        "connected": _("Live"), "connecting": _("Connecting…"),
        "disconnected": _("Disconnected, reconnecting…"), "refused": _("Not allowed: log in again"),
        "noOrders": _("No orders yet"), "left": _("left"), "endsIn": _("ends in"),
        "ended": _("ended"), "broadcast": {key: str(value) for key, value in BROADCAST_LABELS.items()},
        "pin": _("Pin"), "unpin": _("Unpin"), "link": _("Link {n}"), "emptyRail": _("No products in the line-up."),
        "startFlash": _("Start now"), "confirmFlash": _("Start flash sale {code} now? It runs for {minutes} min."),
        "flashTerms": _("{price} for {skus} · {units} units · {minutes} min"), "noFlash": _("No flash sale to start."),
        "flashSome": _("flash price for {skus}"),
        "stockLeft": _("{n} left"), "sold": _("{n} sold"), "soldOut": _("sold out"), "low": _("low stock"),
        "variants": _("{n} variants"), "units": _("{n} units"), "available": _("available {n}"),
        "nothingPinned": _("Nothing pinned. Pin a product from the line-up."),
        "noSelling": _("No orders in the last 5 minutes."), "newItems": _("{n} new · resume"),
        "noQuestions": _("No questions yet."), "noChat": _("No chat yet."), "flashEnds": _("flash sale ends in {t}"),
        "pinnedLink": _("Link {n}"), "linkShort": _("#{n}"), "paidWaiting": _("+ {amount} paid, waiting"),
        "show": _("Expand"), "hide": _("Collapse"), "soldAllShows": _("{n} sold in all shows"),
        "takenAllShows": _("{n} sold in all shows of this product (paid {paid}, awaiting payment {reserved})"),
    } | _common_strings()


def _wall_strings() -> dict:
    """Return the labels the wall display's script shows, in the user's language."""
    return {
        "connected": _("Live"), "connecting": _("Connecting…"), "disconnected": _("Disconnected, reconnecting…"),
        "refused": _("This display is not allowed: check its token."), "link": _("Link {n}"),
        "nothingPinned": _("Nothing pinned"), "left": _("left"), "sold": _("{n} sold"), "soldOut": _("Sold out"),
        "endsIn": _("Flash sale ends in"), "orders": _("orders"), "soldAllShows": _("{n} sold in all shows"),
    }


def _wall_page(broadcast_id: int):
    """The wall / prompter display of a broadcast: the pinned product, stock left and the flash countdown, large.

    A logged-in user opens it as is. A screen without a login opens it with a display-scoped API token in the
    URL's fragment (``#token=…``): browsers never send a fragment, so the token reaches no server log, proxy or
    Referer; the page's script sends it as a bearer header to the API and in the /live socket's auth. Without a
    login the page is a shell with nothing of the broadcast in it: its data comes only through the token.
    """
    broadcast = db.session.get(Broadcast, broadcast_id) if current_user.is_authenticated else None
    if current_user.is_authenticated and broadcast is None:
        abort(404)
    response = make_response(render_template("live/wall.html", broadcast_id=broadcast_id, broadcast=broadcast,
                                             strings=_wall_strings()))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/broadcasts/<int:broadcast_id>/live")
def host_page(broadcast_id: int):
    """The host's live page: totals, the pinned product, the line-up rail with pins and stock, selling now, flash
    sales, questions, chat and the order feed; with ?display=wall the wall display (token or login)."""
    if request.args.get("display") == "wall":
        return _wall_page(broadcast_id)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    broadcast = _broadcast_or_404(broadcast_id)
    return render_template("live/host.html", broadcast=broadcast, strings=_host_strings(), labels=BROADCAST_LABELS,
                           can_manage=_can_manage(), sees_audit=current_user.role in AUDIT_ROLES)
