"""Password hashing with argon2id at the OWASP-recommended minimum cost, and the password policy."""
import functools
import secrets
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.http.validation import encodable  # JSON may carry a lone surrogate, which UTF-8 (and argon2) cannot

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# NIST SP 800-63B: a minimum length and a check against known-weak passwords, no composition rules.
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


# Why the policy refuses a password: the code (an API error code) and the sentence for API clients.
PASSWORD_PROBLEMS = {
    "password_too_short": f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
    "password_too_long": f"the password may have at most {MAX_PASSWORD_LENGTH} characters",
    "password_common": "this password is on the list of common passwords; choose another",
    "password_has_username": "the password may not contain the username",
    "password_invalid_characters": "the password may not contain lone surrogates",
}


def password_problem(password: str, username: str | None = None) -> str | None:
    """Return the code of PASSWORD_PROBLEMS that refuses password, or None when the policy accepts it."""
    if not isinstance(password, str) or _visible_length(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password_too_long"
    if not encodable(password):
        return "password_invalid_characters"
    folded = password.casefold()
    if folded in common_passwords():
        return "password_common"
    if username and len(username) >= 3 and username.casefold() in folded:
        return "password_has_username"
    return None


def _visible_length(password: str) -> int:
    """Return how many characters of password are not spaces, control or invisible format characters.

    Twelve spaces, NULs or zero-width spaces are as guessable as an empty password: they do not count.
    """
    return sum(1 for ch in password if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")))


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the bundled list of common passwords, case-folded (read once per process)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def unusable_hash() -> str:
    """Return a hash no password matches in practice (a random one): the account waits for a set-password link."""
    return _hasher.hash(secrets.token_urlsafe(32))


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
    if not isinstance(password, str) or not encodable(password):
        password = ""  # matches no hash, after the same work (a lone surrogate cannot even be hashed)
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
