/*
 * Compiled versions of the character-class passes of live/moderation (normalise, spam).
 *
 * Each function gives exactly what the regular expressions of live/moderation/rules/speedups.py give
 * (tests/unit/live/moderation/test_speedups.py compares them on generated text); it only replaces
 * several regex passes, each with its own call overhead, by one loop over the code points.
 * Character classes follow Python's re module for str patterns: \w is Py_UNICODE_ISALNUM or
 * '_', \d is Py_UNICODE_ISDECIMAL, \s is Py_UNICODE_ISSPACE.
 *
 * Built by live/moderation/rules/build_speedups.py (make setup); without it the pure
 * Python versions run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_charmap.h"

/* The Han ranges of charmaps.CJK_CLASS. */
static int
is_cjk(Py_UCS4 c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

/* [^\W_]: a letter or digit of any script. */
static int
is_alnum(Py_UCS4 c)
{
    return Py_UNICODE_ISALNUM(c);
}

/* charmaps.CN_DIGIT_CHARS: Chinese numerals that never collapse (phone numbers keep length). */
static const Py_UCS4 CN_DIGITS[] = {
    0x96F6, 0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D,
    0x5E7A, 0x4E24, 0x58F9, 0x8D30, 0x53C1, 0x8086, 0x4F0D, 0x9646, 0x67D2, 0x634C, 0x7396,
};

static int
is_cn_digit(Py_UCS4 c)
{
    size_t i;
    if (c < 0x3007) {
        return 0;
    }
    for (i = 0; i < sizeof(CN_DIGITS) / sizeof(CN_DIGITS[0]); i++) {
        if (CN_DIGITS[i] == c) {
            return 1;
        }
    }
    return 0;
}

typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t len;
} Buffer;

static int
read_text(PyObject *arg, Buffer *out)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str is required");
        return -1;
    }
    out->len = PyUnicode_GET_LENGTH(arg);
    out->chars = PyUnicode_AsUCS4Copy(arg);
    return out->chars == NULL ? -1 : 0;
}

/*
 * Steps 2-4 of normalize.normalize on folded text, as _SQUASH.sub(_squash_run, ...) and then
 * _REPEAT.sub(_first_char, ...) do:
 *   - separators (non-alnum runs) between two Han characters are dropped;
 *   - a run of three or more one-character tokens loses its separators;
 *   - runs of a Latin letter or space collapse from two on, other characters (not digits,
 *     not Chinese numerals) from three on.
 */
static PyObject *
squash_collapse(PyObject *self, PyObject *arg)
{
    Buffer s;
    Py_UCS4 *mid, *out;
    Py_ssize_t n, i, m = 0, o = 0;
    PyObject *result;

    if (read_text(arg, &s) < 0) {
        return NULL;
    }
    n = s.len;
    mid = PyMem_New(Py_UCS4, n + 1);
    if (mid == NULL) {
        PyMem_Free(s.chars);
        return PyErr_NoMemory();
    }
    i = 0;
    while (i < n) {
        Py_UCS4 c = s.chars[i];
        if (!is_alnum(c)) {
            /* (?<=[CJK])[\W_]+(?=[CJK]): greedy run, then backtrack to a Han character. */
            if (i > 0 && is_cjk(s.chars[i - 1])) {
                Py_ssize_t k = i, end;
                while (k < n && !is_alnum(s.chars[k])) {
                    k++;
                }
                for (end = k; end > i; end--) {
                    if (end < n && is_cjk(s.chars[end])) {
                        break;
                    }
                }
                if (end > i) {
                    i = end;
                    continue;
                }
            }
            mid[m++] = c;
            i++;
            continue;
        }
        /* (?<![^\W_])[^\W_](?:[\W_]+[^\W_](?![^\W_])){2,} */
        if (i == 0 || !is_alnum(s.chars[i - 1])) {
            Py_ssize_t tokens = 1, end = i + 1, p = i + 1;
            for (;;) {
                Py_ssize_t q = p;
                while (q < n && !is_alnum(s.chars[q])) {
                    q++;
                }
                if (q == p || q >= n) {
                    break;
                }
                if (q + 1 < n && is_alnum(s.chars[q + 1])) {
                    break;
                }
                tokens++;
                end = q + 1;
                p = q + 1;
            }
            if (tokens >= 3) {
                Py_ssize_t j;
                for (j = i; j < end; j++) {
                    if (is_alnum(s.chars[j])) {
                        mid[m++] = s.chars[j];
                    }
                }
                i = end;
                continue;
            }
        }
        mid[m++] = c;
        i++;
    }
    PyMem_Free(s.chars);

    out = mid; /* collapsing only shortens: write in place */
    i = 0;
    while (i < m) {
        Py_UCS4 c = mid[i];
        Py_ssize_t k = i + 1;
        int latin = (c >= 'a' && c <= 'z') || c == ' ';
        if (latin || !(Py_UNICODE_ISDECIMAL(c) || is_cn_digit(c))) {
            while (k < m && mid[k] == c) {
                k++;
            }
            if (k - i >= (latin ? 2 : 3)) {
                out[o++] = c;
                i = k;
                continue;
            }
        }
        out[o++] = c;
        i++;
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, o);
    PyMem_Free(mid);
    return result;
}

/* spam.fingerprint: the letters of the key; a key without letters keeps its digits. */
static PyObject *
fingerprint(PyObject *self, PyObject *arg)
{
    Buffer s;
    Py_UCS4 *out;
    Py_ssize_t i, o = 0;
    PyObject *result;

    if (read_text(arg, &s) < 0) {
        return NULL;
    }
    out = PyMem_New(Py_UCS4, s.len + 1);
    if (out == NULL) {
        PyMem_Free(s.chars);
        return PyErr_NoMemory();
    }
    for (i = 0; i < s.len; i++) {
        Py_UCS4 c = s.chars[i];
        if (is_alnum(c) && !Py_UNICODE_ISDECIMAL(c)) {
            out[o++] = c;
        }
    }
    if (o == 0) {
        for (i = 0; i < s.len; i++) {
            if (is_alnum(s.chars[i])) {
                out[o++] = s.chars[i];
            }
        }
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, o);
    PyMem_Free(out);
    PyMem_Free(s.chars);
    return result;
}

/* Emoji and arrows: reactions in live chat, never symbols (spam._SYMBOL leaves them out). */
static int
is_reaction(Py_UCS4 c)
{
    return (c >= 0x2190 && c <= 0x21FF) || (c >= 0x2300 && c <= 0x27BF) ||
           (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF) ||
           c == 0xFE0F || c == 0x200D;
}

/* spam.content_counts: (uppercase, Latin letters, symbols, spaces) as spam's patterns count them. */
static PyObject *
content_counts(PyObject *self, PyObject *arg)
{
    Py_ssize_t n, i, upper = 0, latin = 0, symbols = 0, spaces = 0;
    int kind;
    const void *data;

    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "a str is required");
        return NULL;
    }
    n = PyUnicode_GET_LENGTH(arg);
    kind = PyUnicode_KIND(arg);
    data = PyUnicode_DATA(arg);
    for (i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE) || (c >= 0xFF21 && c <= 0xFF3A)) {
            upper++;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F) ||
            (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) {
            latin++;
        }
        if (Py_UNICODE_ISSPACE(c)) {
            spaces++;
        }
        else if (!(is_alnum(c) || c == '_') && !is_reaction(c)) {
            symbols++;
        }
    }
    return Py_BuildValue("(nnnn)", upper, latin, symbols, spaces);
}

static PyMethodDef methods[] = {
    {"squash_collapse", squash_collapse, METH_O, "Steps 2-4 of normalisation on folded text."},
    {"fingerprint", fingerprint, METH_O, "The near-duplicate fingerprint of a normalised key."},
    {"content_counts", content_counts, METH_O, "(uppercase, Latin letters, symbols, spaces) of a text."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Compiled character-class passes of live.moderation.rules.", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyObject *m;
    if (PyType_Ready(&CharMapType) < 0) {
        return NULL;
    }
    m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&CharMapType);
    if (PyModule_AddObject(m, "CharMap", (PyObject *)&CharMapType) < 0) {
        Py_DECREF(&CharMapType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
