"""OpenAPI fragment of the term lists (live/moderation/api/terms.py); live/moderation/api/openapi.py merges it.

A term is identified in its list by its normalised key: adding a listed term again is not an error, and gives it
the category and action sent; removing it by text accepts the body it was added with.
"""
from __future__ import annotations

from app.openapi.operations import operation, request
from app.openapi.schemas import DATETIME, array, integer, nullable, obj, ref, string, text
from live.moderation.api.bodies import MAX_REASON
from live.moderation.rules.terms import CATEGORIES
from live.moderation.terms import ACTIONS

_ID = integer(minimum=1, maximum=2**31 - 1)


def schemas() -> dict:
    """Return the bodies of the term-list operations."""
    term = {"id": integer(), "term": string(), "category": string(enum=list(CATEGORIES)),
            "action": string("`allow` puts the phrase on the allow-list.", enum=list(ACTIONS)),
            "broadcast_id": nullable(integer("Null: a global term.")), "created_by": string(), "created_at": DATETIME}
    term_input = {"term": text(100, "Matched by its normalised key: `SCAM` and `scam` are one term."),
                  "category": string("Absent: `custom` for a new term; a listed term keeps its own.",
                                     enum=list(CATEGORIES)),
                  "action": string("Absent: `hide` for a new term; a listed term keeps its own.", enum=list(ACTIONS)),
                  "broadcast_id": {**_ID, "description": "Absent: a global term."}}
    delete_input = {"term": text(100), "category": string("Checked, not matched.", enum=list(CATEGORIES)),
                    "action": string("Checked, not matched.", enum=list(ACTIONS)),
                    "broadcast_id": {**_ID, "description": "Absent: the global list."},
                    "reason": text(MAX_REASON, "Why; kept in the moderation log.")}
    counts = {"added": integer(minimum=0), "existing": integer("Already listed.", minimum=0),
              "changed": integer("Of the listed ones, given another category or action.", minimum=0)}
    return {
        "ModerationTerm": obj(term, required=tuple(term)),
        "TermList": obj({"version": integer("Bumped by every change."), "terms": array(ref("ModerationTerm"))},
                        required=("version", "terms"), description="Terms oldest first."),
        "TermInput": obj(term_input, required=("term",), additionalProperties=False),
        "TermDeleteInput": obj(delete_input, required=("term",), additionalProperties=False,
                               description="The body the term was added with fits."),
        "DeletedTerm": obj({"deleted": ref("ModerationTerm")}, required=("deleted",)),
        "TermImportResult": obj(counts, required=tuple(counts)),
    }


def _moderate(op_id: str, summary: str, ok: tuple, errors: str, **keywords) -> dict:
    """Return a moderators-only operation."""
    return operation(op_id, summary, "moderation", ok, errors=errors, roles="moderator", **keywords)


def paths() -> dict:
    """Return the term-list operations."""
    export = _moderate("exportTerms", "Download the term lists as CSV", ("200", "CSV.", {"type": "string"}),
                       "400 401 403 404", params=("ModerationBroadcast",),
                       description="Columns term, category, action, broadcast_id, created_by, created_at; a cell "
                                   "starting with = + - @ (or tab, CR) gets a leading apostrophe. With "
                                   "`broadcast_id`, the global terms and that broadcast's.")
    export["responses"]["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
    csv_example = "term,category,action,broadcast_id\r\n加微信,diversion,hide,\r\n"
    imported = _moderate(
        "importTerms", "Add every term of a CSV body (all or nothing)", ("200", "How many rows were added.",
                                                                         ref("TermImportResult")),
        "400 401 403 404 413", description="A header row naming `term` (and optionally category, action, "
        "broadcast_id), then at most 20,000 rows; at most 2 MiB (413 too_large). Every row is checked before "
        "any is added; a bad one answers 400 naming `csv.row[N].<column>`. A listed term takes the row's category "
        "and action (a blank cell keeps its own). An export imports back unchanged.")
    imported["requestBody"] = {"required": True, "content": {"text/csv": {"schema": {"type": "string"},
                                                                         "example": csv_example}}}
    added = _moderate("addTerm", "Add a blocked term or an allow-list phrase", ("201", "The new term.",
                                                                              ref("ModerationTerm")),
                      "400 401 403 404", body=request("TermInput", {"term": "加微信", "category": "diversion",
                                                                    "action": "hide"}),
                      description="Pushes `moderation.changed` to the moderators concerned, also when a listed "
                                  "term is given another category or action (logged as `term_changed`).")
    added["responses"]["200"] = {"description": "A term with the same key is listed already: that one, with the "
                                                "category and action sent.",
                                 "content": {"application/json": {"schema": ref("ModerationTerm")}}}
    return {
        "/api/v1/moderation/terms": {
            "get": _moderate("listTerms", "List the global terms (and a broadcast's)",
                             ("200", "The terms and the term-list version.", ref("TermList")), "400 401 403 404",
                             params=("ModerationBroadcast",)),
            "post": added,
            "delete": _moderate("removeTerm", "Remove a term given by its text", ("200", "The term removed.",
                                                                                   ref("DeletedTerm")),
                                "400 401 403 404", body=request("TermDeleteInput", {"term": "加微信",
                                                                                   "category": "diversion",
                                                                                   "action": "hide"}),
                                description="Matched by its normalised key in the list of `broadcast_id` "
                                            "(absent: the global list); category and action are checked (400 "
                                            "invalid_choice), not matched."),
        },
        "/api/v1/moderation/terms/{term_id}": {"delete": _moderate(
            "removeTermById", "Remove a term by its id", ("200", "The term removed.", ref("DeletedTerm")),
            "400 401 403 404", params=("TermId",), body=request("ModerationReasonInput", {"reason": "too broad"},
                                                                 required=False))},
        "/api/v1/moderation/terms/export.csv": {"get": export},
        "/api/v1/moderation/terms/import": {"post": imported},
    }
