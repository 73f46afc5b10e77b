"""AES-CBC with PKCS#7 padding in pure Python (FIPS-197), for Kuaishou's encrypted message pushes.

Kuaishou 快手小店 sends each message as base64(AES-CBC(key, zero IV, PKCS#5/7 padding)) where the key is the
app's base64 "message encryption key". The standard library has no AES and LiveDesk installs no crypto
package, so this small implementation does it; the messages are a few hundred bytes. ``encrypt_cbc``
exists for the tests and the local fake platform. Checked against the FIPS-197 and SP 800-38A vectors
(tests/unit/adapters/test_aes.py).
"""
from __future__ import annotations


def _xtime(value: int) -> int:
    value <<= 1
    return (value ^ 0x11B) & 0xFF if value & 0x100 else value


def _multiply(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        a, b = _xtime(a), b >> 1
    return result


def _sbox() -> tuple[list[int], list[int]]:
    """Return the S-box and its inverse, computed from the GF(2^8) inverse and the affine map."""
    sbox, inverse = [0] * 256, [0] * 256
    for value in range(256):
        inv = next((c for c in range(1, 256) if _multiply(value, c) == 1), 0) if value else 0
        s = inv
        for shift in range(1, 5):
            s ^= ((inv << shift) | (inv >> (8 - shift))) & 0xFF
        s ^= 0x63
        sbox[value], inverse[s] = s, value
    return sbox, inverse


SBOX, INV_SBOX = _sbox()


def _expand(key: bytes) -> list[list[int]]:
    """Return the round keys (16 bytes each) of a 16, 24 or 32 byte key."""
    if len(key) not in (16, 24, 32):
        raise ValueError("an AES key has 16, 24 or 32 bytes")
    nk = len(key) // 4
    rounds = nk + 6
    words = [list(key[4 * i:4 * i + 4]) for i in range(nk)]
    rcon = 1
    for i in range(nk, 4 * (rounds + 1)):
        word = list(words[i - 1])
        if i % nk == 0:
            word = [SBOX[b] for b in word[1:] + word[:1]]
            word[0] ^= rcon
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            word = [SBOX[b] for b in word]
        words.append([a ^ b for a, b in zip(words[i - nk], word)])
    return [sum(words[4 * r:4 * r + 4], []) for r in range(rounds + 1)]


def _mix(column: list[int], factors: tuple[int, int, int, int]) -> list[int]:
    return [_multiply(column[0], factors[(0 - row) % 4]) ^ _multiply(column[1], factors[(1 - row) % 4])
            ^ _multiply(column[2], factors[(2 - row) % 4]) ^ _multiply(column[3], factors[(3 - row) % 4])
            for row in range(4)]


def _encrypt_block(block: bytes, keys: list[list[int]]) -> bytes:
    state = [b ^ k for b, k in zip(block, keys[0])]
    for round_index in range(1, len(keys)):
        state = [SBOX[b] for b in state]
        state = [state[(i + 4 * (i % 4)) % 16] for i in range(16)]  # ShiftRows (column-major state)
        if round_index != len(keys) - 1:
            state = sum((_mix(state[c:c + 4], (2, 3, 1, 1)) for c in range(0, 16, 4)), [])
        state = [b ^ k for b, k in zip(state, keys[round_index])]
    return bytes(state)


def _decrypt_block(block: bytes, keys: list[list[int]]) -> bytes:
    state = [b ^ k for b, k in zip(block, keys[-1])]
    for round_index in range(len(keys) - 2, -1, -1):
        state = [state[(i - 4 * (i % 4)) % 16] for i in range(16)]  # InvShiftRows
        state = [INV_SBOX[b] for b in state]
        state = [b ^ k for b, k in zip(state, keys[round_index])]
        if round_index:
            state = sum((_mix(state[c:c + 4], (14, 11, 13, 9)) for c in range(0, 16, 4)), [])
    return bytes(state)


def encrypt_block(key: bytes, block: bytes) -> bytes:
    """Return one 16-byte block encrypted with key (the FIPS-197 test vectors use this)."""
    return _encrypt_block(block, _expand(key))


def decrypt_block(key: bytes, block: bytes) -> bytes:
    """Return one 16-byte block decrypted with key."""
    return _decrypt_block(block, _expand(key))


def encrypt_cbc(key: bytes, plain: bytes, iv: bytes = bytes(16), pad: bool = True) -> bytes:
    """Return plain encrypted in CBC mode (PKCS#7 padding unless pad is False and plain is block-aligned)."""
    if pad:
        fill = 16 - len(plain) % 16
        plain += bytes([fill]) * fill
    if len(plain) % 16:
        raise ValueError("plain text is not a whole number of blocks")
    keys, previous, out = _expand(key), iv, bytearray()
    for start in range(0, len(plain), 16):
        previous = _encrypt_block(bytes(a ^ b for a, b in zip(plain[start:start + 16], previous)), keys)
        out += previous
    return bytes(out)


def decrypt_cbc(key: bytes, cipher: bytes, iv: bytes = bytes(16), pad: bool = True) -> bytes:
    """Return cipher decrypted in CBC mode; raise ValueError when it is not whole blocks or its padding is wrong."""
    if not cipher or len(cipher) % 16:
        raise ValueError("cipher text is not a whole number of blocks")
    keys, previous, out = _expand(key), iv, bytearray()
    for start in range(0, len(cipher), 16):
        block = cipher[start:start + 16]
        out += bytes(a ^ b for a, b in zip(_decrypt_block(block, keys), previous))
        previous = block
    if not pad:
        return bytes(out)
    fill = out[-1]
    if not 1 <= fill <= 16 or out[-fill:] != bytes([fill]) * fill:
        raise ValueError("bad padding")
    return bytes(out[:-fill])
