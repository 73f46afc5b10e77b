"""Reading the connection pages' forms into what live.adapters.connections takes (settings typed by their kind).

Only the settings of the chosen platform are read from a form (the page shows each field for the kinds that
use it), so a field left filled for another platform is not an error. On the edit form a secret left empty
keeps the one stored (it is never sent back to the browser), while an emptied text field removes its setting.
"""
from __future__ import annotations

from collections.abc import Mapping

from live.adapters.settings import from_text, settings_of

# The settings the pages edit, in the order shown (the others: API or `flask edit-connection --setting`).
PAGE_SETTINGS = ("access_token", "sign_secret", "shop_cipher", "api_base_url", "decrypt_contacts", "zone")


def page_settings(platform: str) -> list:
    """Return the Setting of each page-edited setting a platform's connection reads, in PAGE_SETTINGS order."""
    known = settings_of(platform)
    return [known[key] for key in PAGE_SETTINGS if key in known]


def _typed(platform: str, key: str, text: str):
    """Return a form's text as the setting's value: the decrypt choice's "no" is False, "yes" the default (None)."""
    if key == "decrypt_contacts":
        return False if text == "no" else None if text in ("", "yes") else text
    return from_text(platform, key, text)


def new_settings(platform: str, form: Mapping) -> dict:
    """Return the settings a create form gives for platform (fields left empty are not set)."""
    found = {}
    for spec in page_settings(platform):
        text = str(form.get(spec.key, "")).strip()
        value = _typed(platform, spec.key, text) if text else None
        if value is not None:
            found[spec.key] = value
    return found


def edit_changes(platform: str, form: Mapping) -> dict:
    """Return the changes an edit form asks for: shop id, app key (empty clears) and the page's settings.

    A secret's empty field keeps the stored one; any other emptied field removes its setting (null).
    """
    changes: dict = {"settings": {}}
    for key in ("shop_id", "app_key"):
        if key in form:
            changes[key] = str(form.get(key, "")).strip() or None
    for spec in page_settings(platform):
        if spec.key not in form:
            continue
        text = str(form.get(spec.key, "")).strip()
        if spec.kind == "secret" and not text:
            continue
        changes["settings"][spec.key] = _typed(platform, spec.key, text) if text else None
    return changes
