"""Password hashing with argon2id at the OWASP-recommended minimum cost."""
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """Return the argon2id hash of password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return True when password matches password_hash; with no hash (unknown user), False after the same work.

    An unknown username is checked against a dummy hash, so a login takes as long for a name that does not
    exist as for one that does, and timing does not tell an attacker which usernames are real.
    """
    if password_hash is None:
        _verify(_dummy_hash(), password)
        return False
    return _verify(password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    """Return the hash of a random password, made once per process at the same cost as real ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    """Return True when password matches password_hash (argon2 verification)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
