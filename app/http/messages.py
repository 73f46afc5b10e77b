"""The human sentence of an API error in the reader's language; codes and field names stay as they are.

API errors are raised in English all over the code base (`{path} must be between 0 and 3600`). The console pages
show that sentence to people, so before an error answer leaves, its message is matched against the shapes below
and given back through the translation catalogue with the same values filled in. English readers, and messages
of no known shape, get the message unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import get_locale, gettext


def N_(message: str) -> str:
    """Return message unchanged: marks an English shape for `make extract-messages` (pybabel's default keyword)."""
    return message


# Most specific first: the first shape that matches the whole message wins.
SHAPES = (
    N_("%(field)s is required"),
    N_("%(field)s must be a string"),
    N_("%(field)s is longer than %(max)s characters"),
    # Promotions (orders/promotions/validate.py).
    N_("%(field)s must be after %(other)s"),
    N_("%(field)s may hold only letters, digits, '-' and '_'"),
    N_("%(field)s must be greater than %(low)s"),
    N_("%(field)s must be a list of 1 to %(count)s SKUs"),
    N_("%(field)s lists a SKU twice"),
    N_("%(field)s must map 1 to %(count)s SKUs to amounts"),
    N_("a percent coupon takes at most 100 percent off"),
    N_("%(field)s must be less than %(other)s"),
    N_("promotion code %(code)s exists already"),
    # Products (orders/catalog).
    N_("a variant repeats the product's SKU or another variant's"),
    N_("SKU %(sku)s exists already"),
    N_("SKU %(sku)s is listed twice"),
    N_("%(field)s is required (or a size or colour)"),
    N_("%(field)s is required for a new variant"),
    N_("give at least one of %(choices)s"),
    N_("%(field)s must be a list of at most %(count)s objects"),
    # A catalogue file's rows and header (orders/catalog/csvfile.py).
    N_("%(field)s must be an amount from %(low)s to %(high)s with at most 2 decimals"),
    N_("%(field)s must be a whole number from %(low)s to %(high)s"),
    N_("%(field)s %(sku)s is on line %(line)s too"),
    N_("%(field)s differs from line %(line)s of the same product"),
    N_("line %(line)s sells %(sku)s without variants"),
    N_("%(sku)s is a product SKU in this file"),
    N_("variant_sku is required when size, colour or variant_price is given"),
    N_("the line has more cells than the header"),
    N_("%(field)s must not contain / or be . or .."),
    N_("unknown column %(name)s; the columns are %(columns)s"),
    N_("column %(name)s appears twice"),
    N_("the header needs a sku column"),
    N_("the file has a header but no rows"),
    N_("the file is empty; it needs a header line"),
    N_("the file has more than %(count)s rows"),
    N_("the file is larger than %(count)s KiB"),
    N_("%(sku)s is a variant SKU of product %(product)s"),
    N_("%(field)s is required for a new product"),
    N_("product %(product)s has variants: give the variant_sku"),
    N_("product %(product)s is sold under its own SKU, without variants"),
    N_("%(count)s line has errors; nothing was imported"),
    N_("%(count)s lines have errors; nothing was imported"),
    N_("%(field)s must not contain NUL characters"),
    N_("%(field)s must not contain lone surrogates"),
    N_("%(field)s is not a field here; send %(choices)s"),
    N_("the password may not contain lone surrogates"),
    N_("%(field)s must be an integer between %(low)s and %(high)s"),
    N_("%(field)s must be an integer from %(low)s to %(high)s"),
    N_("%(field)s must be an integer"),
    N_("%(field)s must be a whole number from 1, or be left out"),
    N_("%(field)s is a whole number from %(low)s to %(high)s"),
    N_("%(field)s is one of %(choices)s"),
    N_("%(field)s must be a number"),
    N_("%(field)s must be true or false"),
    N_("%(field)s must be an object"),
    N_("%(field)s must be between %(low)s and %(high)s"),
    N_("%(field)s must be a decimal amount"),
    N_("%(field)s has more than 2 decimal places"),
    N_("%(field)s must be a timestamp, or be left out"),
    N_("%(field)s: not an ISO-8601 timestamp"),
    N_("%(field)s: an ISO-8601 timestamp needs a time zone (e.g. Z or +08:00)"),
    N_("%(field)s must be ISO-8601 with a zone or epoch milliseconds"),
    N_("%(field)s must be one of %(choices)s"),
    N_("%(field)s must be a list of at most %(count)s domain names"),
    N_("%(field)s must be a domain name of 1 to 100 characters"),
    N_("%(field)s is not a field of the moderation policy"),
    N_("%(field)s is not a policy field"),
    N_("%(field)s is not a chat mode"),
    N_("%(field)s has nothing left to match once normalised"),
    N_("send policy and/or chat_mode with at least one field"),
    N_("send title and/or planned_start_at"),
    N_("no such term in that list"),
    N_("no API token may do this; a person does it on the console"),
    N_("this connection is switched off; an admin can switch it on"),
    N_("no previous secret is accepted now: there is nothing to end"),
    N_("%(number)s is not a %(carrier)s tracking number: check it on the waybill"),
    N_("a tracking number has 4 to %(max)s letters, digits or dashes"),
    N_("%(count)s unit(s) of %(sku)s are left to ship"),
    N_("%(amount)s is not between 0.01 and the %(left)s paid and not yet refunded"),
    N_("a paid order is cancelled and refunded, not rejected"),
    N_("this token's scopes do not allow this; it needs one of: %(scopes)s"),
    N_("the body must be a JSON object"),
    N_("to must be after from"),
    N_("a broadcast cannot end before it started"),
    N_("a live broadcast cannot be started"),
    N_("an ended broadcast cannot be started"),
    N_("a scheduled broadcast cannot be ended"),
    N_("an ended broadcast cannot be ended"),
    N_("a scheduled broadcast has not started: products can be pinned once it is live"),
    N_("an ended broadcast is over: its products can no longer be pinned or unpinned"),
    N_("only a live broadcast's products can be pinned or unpinned"),
    N_("link %(count)s is already used in this broadcast"),
    N_("no broadcast %(id)s"),
    N_("no order %(id)s has been received"),
    N_("no order %(id)s"),
    N_("no follow-up %(id)s"),
    N_("no order, complaint or survey of buyer %(buyer)s"),
    N_("%(sku)s is pinned: unpin it before removing it"),
    N_("%(sku)s is not in this broadcast's line-up"),
    N_("no product has SKU %(sku)s"),
    N_("a line-up holds at most %(count)s products"),
    N_("%(field)s must be 1-%(max)s characters of text"),
    N_("%(field)s must not contain control characters"),
    # The SLA policy (orders/care/sla/policy.py): the field goes beside the sentence, not in it.
    N_("each interval is HH:MM-HH:MM, e.g. 09:00-18:00"),
    N_("an interval starts before it ends, within 00:00-24:00"),
    N_("intervals of one day must not overlap"),
    N_("a date is YYYY-MM-DD"),
    N_("an IANA time zone name, e.g. Asia/Shanghai"),
    N_("%(field)s must be an IANA time zone name such as %(example)s"),
    N_("a date cannot be a holiday and a make-up workday"),
    N_("at least one weekday needs working hours"),
    N_("a whole number of minutes from 1 to %(max)s"),
    N_("the first response cannot be due after resolution"),
)
_SLOT = re.compile(r"%\((\w+)\)s")


def _pattern(shape: str) -> re.Pattern:
    """Return a regular expression matching the English messages of shape, one named group per slot."""
    parts, last = [], 0
    for slot in _SLOT.finditer(shape):
        parts.append(re.escape(shape[last:slot.start()]))
        parts.append(f"(?P<{slot.group(1)}>.+?)")
        last = slot.end()
    parts.append(re.escape(shape[last:]))
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Return every shape with its pattern (built once)."""
    return tuple((shape, _pattern(shape)) for shape in SHAPES)


def localise(message: str) -> str:
    """Return message in the request's language when it has a known shape, else message unchanged."""
    locale = get_locale()
    if not isinstance(message, str) or locale is None or locale.language == "en":
        return message
    for shape, pattern in _patterns():
        match = pattern.fullmatch(message)
        if match:
            return gettext(shape, **match.groupdict())
    return message


def localise_error_body(body) -> bool:
    """Translate the messages of an API error body in place ({"error": {...}} and, when the body lists every
    problem, each of its "errors"); return True when one changed."""
    if not isinstance(body, dict):
        return False
    listed = body.get("errors")
    entries = [body.get("error")] + (listed if isinstance(listed, list) else [])
    changed = False
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("message"), str):
            translated = localise(entry["message"])
            if translated != entry["message"]:
                entry["message"] = translated
                changed = True
    return changed
