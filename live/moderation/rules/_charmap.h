/*
 * CharMap, the character map type of live/moderation/rules/_speedups.c (included there, not compiled alone).
 */
#ifndef LIVEDESK_CHARMAP_H
#define LIVEDESK_CHARMAP_H

/*
 * CharMap: code point -> replacement text, filled on first sight by a Python callable, used like
 * str.translate with a dict. str.translate looks every character up through a Python int key;
 * this keeps the BMP in arrays (replacements of up to two characters inline) and only calls
 * back for characters it has not seen.
 */
#define BMP_SIZE 0x10000
#define UNSEEN 0xFF
#define LONG_VALUE 0xFE

typedef struct {
    PyObject_HEAD
    unsigned char *lengths;  /* per BMP code point: UNSEEN, 0-2 (inline) or LONG_VALUE */
    Py_UCS4 *inline_chars;   /* two per BMP code point */
    PyObject *long_values;   /* dict: code point -> str, for BMP values longer than two */
    PyObject *astral;        /* dict: code point -> str, for code points above the BMP */
    PyObject *missing;       /* callable(str) -> str */
    Py_ssize_t astral_limit;
} CharMap;

static void
charmap_dealloc(CharMap *self)
{
    PyMem_Free(self->lengths);
    PyMem_Free(self->inline_chars);
    Py_XDECREF(self->long_values);
    Py_XDECREF(self->astral);
    Py_XDECREF(self->missing);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
charmap_store(CharMap *self, Py_UCS4 c, PyObject *value)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(value);
    PyObject *key;
    int failed;
    if (c < BMP_SIZE && len <= 2) {
        Py_ssize_t j;
        for (j = 0; j < len; j++) {
            self->inline_chars[2 * c + j] = PyUnicode_READ_CHAR(value, j);
        }
        self->lengths[c] = (unsigned char)len;
        return 0;
    }
    if (c >= BMP_SIZE && PyDict_GET_SIZE(self->astral) >= self->astral_limit) {
        return 0;  /* not kept: looked up again next time */
    }
    key = PyLong_FromUnsignedLong(c);
    if (key == NULL) {
        return -1;
    }
    failed = PyDict_SetItem(c < BMP_SIZE ? self->long_values : self->astral, key, value);
    Py_DECREF(key);
    if (!failed && c < BMP_SIZE) {
        self->lengths[c] = LONG_VALUE;
    }
    return failed;
}

static int
charmap_init(CharMap *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"missing", "initial", "astral_limit", NULL};
    PyObject *missing, *initial = NULL, *key, *value;
    Py_ssize_t pos = 0, limit = 100000;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|On", keywords, &missing, &initial, &limit)) {
        return -1;
    }
    if (self->lengths != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a CharMap is initialised once");
        return -1;
    }
    if (!PyCallable_Check(missing)) {
        PyErr_SetString(PyExc_TypeError, "missing must be callable");
        return -1;
    }
    self->lengths = PyMem_Malloc(BMP_SIZE);
    self->inline_chars = PyMem_New(Py_UCS4, 2 * BMP_SIZE);
    self->long_values = PyDict_New();
    self->astral = PyDict_New();
    if (!self->lengths || !self->inline_chars || !self->long_values || !self->astral) {
        PyErr_NoMemory();
        return -1;
    }
    memset(self->lengths, UNSEEN, BMP_SIZE);
    Py_INCREF(missing);
    self->missing = missing;
    self->astral_limit = limit;
    if (initial != NULL && initial != Py_None) {
        if (!PyDict_Check(initial)) {
            PyErr_SetString(PyExc_TypeError, "initial must be a dict of code point -> str");
            return -1;
        }
        while (PyDict_Next(initial, &pos, &key, &value)) {
            long c = PyLong_AsLong(key);
            if (c == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (c < 0 || c > 0x10FFFF || !PyUnicode_Check(value)) {
                PyErr_SetString(PyExc_ValueError, "initial maps code points to str");
                return -1;
            }
            if (charmap_store(self, (Py_UCS4)c, value) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* Return a new reference to the replacement of c (calling `missing` on first sight). */
static PyObject *
charmap_value(CharMap *self, Py_UCS4 c)
{
    PyObject *key, *value, *ch;
    key = PyLong_FromUnsignedLong(c);
    if (key == NULL) {
        return NULL;
    }
    value = PyDict_GetItemWithError(c < BMP_SIZE ? self->long_values : self->astral, key);
    Py_DECREF(key);
    if (value != NULL) {
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    ch = PyUnicode_FromOrdinal(c);
    if (ch == NULL) {
        return NULL;
    }
    value = PyObject_CallOneArg(self->missing, ch);
    Py_DECREF(ch);
    if (value == NULL) {
        return NULL;
    }
    if (!PyUnicode_Check(value)) {
        Py_DECREF(value);
        PyErr_SetString(PyExc_TypeError, "missing must return a str");
        return NULL;
    }
    if (charmap_store(self, c, value) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

/* Grow out to hold at least `needed` characters; on failure free it and return -1. */
static int
grow(Py_UCS4 **out, Py_ssize_t *capacity, Py_ssize_t needed)
{
    Py_UCS4 *bigger;
    if (needed <= *capacity) {
        return 0;
    }
    *capacity = 2 * needed + 8;
    bigger = PyMem_Realloc(*out, (size_t)*capacity * sizeof(Py_UCS4));
    if (bigger == NULL) {
        PyMem_Free(*out);
        PyErr_NoMemory();
        return -1;
    }
    *out = bigger;
    return 0;
}

static PyObject *
charmap_translate(CharMap *self, PyObject *text)
{
    Py_ssize_t n, i, o = 0, capacity;
    int kind;
    const void *data;
    Py_UCS4 *out;
    PyObject *result;

    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "a str is required");
        return NULL;
    }
    n = PyUnicode_GET_LENGTH(text);
    kind = PyUnicode_KIND(text);
    data = PyUnicode_DATA(text);
    capacity = 2 * n + 8;
    out = PyMem_New(Py_UCS4, capacity);
    if (out == NULL) {
        return PyErr_NoMemory();
    }
    for (i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        unsigned char len = c < BMP_SIZE ? self->lengths[c] : UNSEEN;
        Py_ssize_t vlen, j;
        PyObject *value;
        if (len <= 2) {
            if (grow(&out, &capacity, o + 2) < 0) {
                return NULL;
            }
            if (len >= 1) {
                out[o++] = self->inline_chars[2 * c];
            }
            if (len == 2) {
                out[o++] = self->inline_chars[2 * c + 1];
            }
            continue;
        }
        value = charmap_value(self, c);
        if (value == NULL) {
            PyMem_Free(out);
            return NULL;
        }
        vlen = PyUnicode_GET_LENGTH(value);
        if (grow(&out, &capacity, o + vlen) < 0) {
            Py_DECREF(value);
            return NULL;
        }
        for (j = 0; j < vlen; j++) {
            out[o++] = PyUnicode_READ_CHAR(value, j);
        }
        Py_DECREF(value);
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, o);
    PyMem_Free(out);
    return result;
}

static PyMethodDef charmap_methods[] = {
    {"translate", (PyCFunction)charmap_translate, METH_O,
     "Return text with every character replaced by its value (as str.translate with a dict)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CharMapType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "live.moderation.rules._speedups.CharMap",
    .tp_doc = "CharMap(missing, initial=None, astral_limit=100000): code point -> str, filled by missing(ch).",
    .tp_basicsize = sizeof(CharMap),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)charmap_init,
    .tp_dealloc = (destructor)charmap_dealloc,
    .tp_methods = charmap_methods,
};

#endif
