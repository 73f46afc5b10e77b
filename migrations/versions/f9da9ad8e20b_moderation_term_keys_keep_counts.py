"""moderation_terms.key keeps how often a term writes each character: "ass" and "as" are two terms, "ASS" is "ass"

Revision ID: f9da9ad8e20b
Revises: d9e8f7a6b5c4
Create Date: 2026-12-07 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# The key is the matcher's own rule (a pure function): terms stored before this revision get the key that the
# running code looks terms up with.
from live.moderation.rules import normalize
from live.moderation.rules.terms import term_key

# revision identifiers, used by Alembic.
revision = "f9da9ad8e20b"
down_revision = "d9e8f7a6b5c4"
branch_labels = None
depends_on = None

_TERMS = sa.table("moderation_terms", sa.column("id", sa.Integer), sa.column("term", sa.String),
                  sa.column("key", sa.String), sa.column("scope", sa.String))
_UNIQUE = "uq_moderation_terms_key_scope"
_BATCH = 500


def _collapsed_key(term):
    """Return the key before this revision: the matching key alone, repeated letters collapsed ("ass" -> "as")."""
    return normalize(term).text.strip()


def _rekey(key_of):
    """Give every term the key key_of(term), reading and writing _BATCH rows at a time, oldest term first.

    The unique (key, scope) constraint is dropped meanwhile: a term's new key may still be another term's old key
    until that one is rewritten too. A term whose new key an older term of its scope already has is deleted: it
    is the same term by that key (only the downgrade finds such terms: "as" and "ass" become one again).
    """
    with op.batch_alter_table("moderation_terms") as batch_op:
        batch_op.drop_constraint(_UNIQUE, type_="unique")
    connection = op.get_bind()
    kept, last_id = set(), 0
    while True:
        rows = connection.execute(sa.select(_TERMS.c.id, _TERMS.c.term, _TERMS.c.key, _TERMS.c.scope)
                                  .where(_TERMS.c.id > last_id).order_by(_TERMS.c.id).limit(_BATCH)).all()
        if not rows:
            break
        last_id = rows[-1].id
        changed, duplicates = [], []
        for row in rows:
            key = key_of(row.term)
            if (key, row.scope) in kept:
                duplicates.append(row.id)
                continue
            kept.add((key, row.scope))
            if key != row.key:
                changed.append({"term_id": row.id, "new_key": key})
        if duplicates:
            connection.execute(_TERMS.delete().where(_TERMS.c.id.in_(duplicates)))
        if changed:
            connection.execute(_TERMS.update().where(_TERMS.c.id == sa.bindparam("term_id"))
                               .values(key=sa.bindparam("new_key")), changed)
    with op.batch_alter_table("moderation_terms") as batch_op:
        batch_op.create_unique_constraint(_UNIQUE, ["key", "scope"])


def upgrade():
    _rekey(term_key)


def downgrade():
    _rekey(_collapsed_key)
