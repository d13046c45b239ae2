/* The explorer's inner loop in C: TransitionSystem.expand and apply, over the very same
 * tables and state tuples as the Python code in ts.py (which stays the reference and the
 * fallback; fast.py compiles and loads this file, tests compare the two on every state).
 *
 * A Context holds references to the system's live tables: the per-process event tables
 * ({local: (aid, ...)}), receive tables ({(local, channel, message): aid or -1}) and the
 * per-action spec list ((process, target, consumed slot or -1, sends, monitor steps)).  The
 * Python side keeps filling them as the search reaches new states; when this code meets an
 * entry that is not there yet it returns None and the Python expand handles that state
 * (resolving the entry), so tables are only ever built in one place.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject_HEAD
    Py_ssize_t n, m;
    PyObject *event_tables; /* list of dicts */
    PyObject *recv_tables;  /* list of dicts */
    PyObject *receiver;     /* tuple of ints: channel -> receiving process */
    PyObject *set_flags;    /* bytes: channel -> 1 for a "set" channel */
    PyObject *spec;         /* list: action id -> spec tuple */
} Context;

#define BLOCKED ((PyObject *)1) /* apply: a send would overflow its channel */

/* A new tuple: q with `mid` appended (FIFO) or inserted in order (set; q must not hold it). */
static PyObject *with_message(PyObject *q, PyObject *mid, int sorted_insert) {
    Py_ssize_t len = PyTuple_GET_SIZE(q), i, at = len;
    PyObject *out = PyTuple_New(len + 1);
    if (out == NULL) return NULL;
    if (sorted_insert) {
        long v = PyLong_AsLong(mid);
        for (i = 0; i < len; i++) {
            if (PyLong_AsLong(PyTuple_GET_ITEM(q, i)) > v) { at = i; break; }
        }
    }
    for (i = 0; i < at; i++) {
        PyObject *x = PyTuple_GET_ITEM(q, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(out, i, x);
    }
    Py_INCREF(mid);
    PyTuple_SET_ITEM(out, at, mid);
    for (i = at; i < len; i++) {
        PyObject *x = PyTuple_GET_ITEM(q, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(out, i + 1, x);
    }
    return out;
}

static void replace(PyObject *tuple, Py_ssize_t i, PyObject *value /* stolen */) {
    PyObject *old = PyTuple_GET_ITEM(tuple, i);
    PyTuple_SET_ITEM(tuple, i, value);
    Py_DECREF(old);
}

static int holds(PyObject *q, PyObject *mid) {
    Py_ssize_t i, len = PyTuple_GET_SIZE(q);
    for (i = 0; i < len; i++) {
        if (PyTuple_GET_ITEM(q, i) == mid) return 1;
        int eq = PyObject_RichCompareBool(PyTuple_GET_ITEM(q, i), mid, Py_EQ);
        if (eq != 0) return eq; /* 1 found, -1 error */
    }
    return 0;
}

/* The state after the action whose spec is `spec` (new reference), BLOCKED, or NULL on error:
 * ts.TransitionSystem.apply. */
static PyObject *apply_spec(PyObject *s, PyObject *spec) {
    Py_ssize_t size = PyTuple_GET_SIZE(s), i;
    Py_ssize_t proc = PyLong_AsSsize_t(PyTuple_GET_ITEM(spec, 0));
    PyObject *target = PyTuple_GET_ITEM(spec, 1);
    Py_ssize_t consumed = PyLong_AsSsize_t(PyTuple_GET_ITEM(spec, 2));
    PyObject *sends = PyTuple_GET_ITEM(spec, 3);
    PyObject *steps = PyTuple_GET_ITEM(spec, 4);
    PyObject *nxt = PyTuple_New(size);
    if (nxt == NULL) return NULL;
    for (i = 0; i < size; i++) {
        PyObject *x = PyTuple_GET_ITEM(s, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(nxt, i, x);
    }
    Py_INCREF(target);
    replace(nxt, proc, target);
    if (consumed >= 0) {
        PyObject *q = PyTuple_GET_ITEM(nxt, consumed);
        PyObject *rest = PyTuple_GetSlice(q, 1, PyTuple_GET_SIZE(q));
        if (rest == NULL) goto fail;
        replace(nxt, consumed, rest);
    }
    for (i = 0; i < PyTuple_GET_SIZE(sends); i++) {
        PyObject *send = PyTuple_GET_ITEM(sends, i);
        Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(send, 0));
        PyObject *mid = PyTuple_GET_ITEM(send, 1);
        Py_ssize_t cap = PyLong_AsSsize_t(PyTuple_GET_ITEM(send, 2));
        PyObject *q = PyTuple_GET_ITEM(nxt, slot), *grown;
        if (cap < 0) { /* set channel: idempotent insert, kept sorted */
            int has = holds(q, mid);
            if (has < 0) goto fail;
            if (has) continue;
            grown = with_message(q, mid, 1);
        } else {
            if (PyTuple_GET_SIZE(q) >= cap) {
                Py_DECREF(nxt);
                return BLOCKED;
            }
            grown = with_message(q, mid, 0);
        }
        if (grown == NULL) goto fail;
        replace(nxt, slot, grown);
    }
    for (i = 0; i < PyTuple_GET_SIZE(steps); i++) {
        PyObject *step = PyTuple_GET_ITEM(steps, i);
        Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(step, 0));
        /* the memo is a dict subclass whose __missing__ computes Monitor.step */
        PyObject *after = PyObject_GetItem(PyTuple_GET_ITEM(step, 1), PyTuple_GET_ITEM(nxt, slot));
        if (after == NULL) goto fail;
        replace(nxt, slot, after);
    }
    if (PyErr_Occurred()) goto fail;
    return nxt;
fail:
    Py_DECREF(nxt);
    return NULL;
}

/* Append (aid, apply(s, aid)) to succ unless blocked (or, for a set read, a no-op).
 * Returns 0, or -1 on error, or 1 when the action's spec is not known yet. */
static int add_successor(Context *ctx, PyObject *s, PyObject *aid, PyObject *succ, int skip_same) {
    Py_ssize_t k = PyLong_AsSsize_t(aid);
    if (k < 0 || k >= PyList_GET_SIZE(ctx->spec)) return PyErr_Occurred() ? -1 : 1;
    PyObject *nxt = apply_spec(s, PyList_GET_ITEM(ctx->spec, k));
    if (nxt == NULL) return -1;
    if (nxt == BLOCKED) return 0;
    if (skip_same) {
        int same = PyObject_RichCompareBool(nxt, s, Py_EQ);
        if (same != 0) {
            Py_DECREF(nxt);
            return same < 0 ? -1 : 0;
        }
    }
    PyObject *pair = PyTuple_Pack(2, aid, nxt);
    Py_DECREF(nxt);
    if (pair == NULL) return -1;
    int r = PyList_Append(succ, pair);
    Py_DECREF(pair);
    return r;
}

/* recv_tables[p][(local, c, mid)]: new reference to the action id, or NULL (not known yet;
 * no error set) */
static PyObject *recv_lookup(Context *ctx, Py_ssize_t p, PyObject *local, Py_ssize_t c, PyObject *mid) {
    PyObject *chan = PyLong_FromSsize_t(c);
    if (chan == NULL) return NULL;
    PyObject *key = PyTuple_Pack(3, local, chan, mid);
    Py_DECREF(chan);
    if (key == NULL) return NULL;
    PyObject *aid = PyDict_GetItemWithError(PyList_GET_ITEM(ctx->recv_tables, p), key);
    Py_DECREF(key);
    Py_XINCREF(aid);
    return aid;
}

/* Context.expand(s) -> (successors, unhandled), or None when a table entry is missing. */
static PyObject *Context_expand(Context *ctx, PyObject *s) {
    if (!PyTuple_Check(s) || PyTuple_GET_SIZE(s) < ctx->n + ctx->m) {
        PyErr_SetString(PyExc_TypeError, "expand: a state tuple of the system is needed");
        return NULL;
    }
    PyObject *succ = PyList_New(0), *unhandled = PyList_New(0), *aid = NULL;
    const char *is_set = PyBytes_AS_STRING(ctx->set_flags);
    Py_ssize_t p, c, i;
    int r;
    if (succ == NULL || unhandled == NULL) goto error;
    for (p = 0; p < ctx->n; p++) {
        PyObject *events = PyDict_GetItemWithError(PyList_GET_ITEM(ctx->event_tables, p), PyTuple_GET_ITEM(s, p));
        if (events == NULL) {
            if (PyErr_Occurred()) goto error;
            goto unknown;
        }
        for (i = 0; i < PyTuple_GET_SIZE(events); i++) {
            r = add_successor(ctx, s, PyTuple_GET_ITEM(events, i), succ, 0);
            if (r < 0) goto error;
            if (r > 0) goto unknown;
        }
    }
    for (c = 0; c < ctx->m; c++) {
        PyObject *q = PyTuple_GET_ITEM(s, ctx->n + c);
        if (PyTuple_GET_SIZE(q) == 0) continue;
        p = PyLong_AsSsize_t(PyTuple_GET_ITEM(ctx->receiver, c));
        PyObject *local = PyTuple_GET_ITEM(s, p);
        if (is_set[c]) { /* a persistent set: any message in it may be read; none has to be */
            for (i = 0; i < PyTuple_GET_SIZE(q); i++) {
                aid = recv_lookup(ctx, p, local, c, PyTuple_GET_ITEM(q, i));
                if (aid == NULL) {
                    if (PyErr_Occurred()) goto error;
                    goto unknown;
                }
                if (PyLong_AsSsize_t(aid) >= 0) {
                    r = add_successor(ctx, s, aid, succ, 1);
                    if (r < 0) goto error;
                    if (r > 0) goto unknown;
                }
                Py_CLEAR(aid);
            }
            continue;
        }
        PyObject *head = PyTuple_GET_ITEM(q, 0);
        aid = recv_lookup(ctx, p, local, c, head);
        if (aid == NULL) {
            if (PyErr_Occurred()) goto error;
            goto unknown;
        }
        if (PyLong_AsSsize_t(aid) < 0) {
            PyObject *what = Py_BuildValue("(nnO)", p, c, head);
            if (what == NULL || PyList_Append(unhandled, what) < 0) {
                Py_XDECREF(what);
                goto error;
            }
            Py_DECREF(what);
        } else {
            r = add_successor(ctx, s, aid, succ, 0);
            if (r < 0) goto error;
            if (r > 0) goto unknown;
        }
        Py_CLEAR(aid);
    }
    PyObject *out = PyTuple_Pack(2, succ, unhandled);
    Py_DECREF(succ);
    Py_DECREF(unhandled);
    return out;
unknown:
    Py_XDECREF(aid);
    Py_DECREF(succ);
    Py_DECREF(unhandled);
    Py_RETURN_NONE;
error:
    Py_XDECREF(aid);
    Py_XDECREF(succ);
    Py_XDECREF(unhandled);
    return NULL;
}

/* Context.step(s, i, index, taken, keep_edges) -> (successors, seen, new, back, unhandled),
 * or None when a table entry is missing: one BFS expansion of state number i.
 *   successors  how many enabled successors s has (0: a terminal state);
 *   seen        [(aid, j)] for successors already in `index` (only with keep_edges);
 *   new         [(aid, t)] for the others, in expansion order (they may repeat a state);
 *   back        how many successors go to a state numbered i or lower;
 *   unhandled   as in expand - when it is not empty nothing else is done, since the
 *               explorer does not expand an error state (and `taken` is left alone).
 * Every action of a successor is added to `taken`. */
static PyObject *Context_step(Context *ctx, PyObject *args) {
    PyObject *s, *index, *taken, *expanded, *succ, *unhandled, *seen = NULL, *fresh = NULL;
    Py_ssize_t i, k, back = 0;
    int keep_edges;
    if (!PyArg_ParseTuple(args, "O!nO!O!p", &PyTuple_Type, &s, &i, &PyDict_Type, &index, &PySet_Type, &taken,
                          &keep_edges))
        return NULL;
    expanded = Context_expand(ctx, s);
    if (expanded == NULL || expanded == Py_None) return expanded;
    succ = PyTuple_GET_ITEM(expanded, 0);
    unhandled = PyTuple_GET_ITEM(expanded, 1);
    seen = PyList_New(0);
    fresh = PyList_New(0);
    if (seen == NULL || fresh == NULL) goto error;
    if (PyList_GET_SIZE(unhandled) == 0) {
        for (k = 0; k < PyList_GET_SIZE(succ); k++) {
            PyObject *pair = PyList_GET_ITEM(succ, k);
            PyObject *aid = PyTuple_GET_ITEM(pair, 0), *t = PyTuple_GET_ITEM(pair, 1);
            if (PySet_Add(taken, aid) < 0) goto error;
            PyObject *j = PyDict_GetItemWithError(index, t);
            if (j == NULL) {
                if (PyErr_Occurred()) goto error;
                if (PyList_Append(fresh, pair) < 0) goto error;
                continue;
            }
            if (PyLong_AsSsize_t(j) <= i) back++;
            if (keep_edges) {
                PyObject *edge = PyTuple_Pack(2, aid, j);
                if (edge == NULL || PyList_Append(seen, edge) < 0) {
                    Py_XDECREF(edge);
                    goto error;
                }
                Py_DECREF(edge);
            }
        }
    }
    PyObject *out = Py_BuildValue("(nOOnO)", PyList_GET_SIZE(succ), seen, fresh, back, unhandled);
    Py_DECREF(seen);
    Py_DECREF(fresh);
    Py_DECREF(expanded);
    return out;
error:
    Py_XDECREF(seen);
    Py_XDECREF(fresh);
    Py_DECREF(expanded);
    return NULL;
}

static int Context_init(Context *self, PyObject *args, PyObject *kwds) {
    Py_ssize_t n, m;
    PyObject *event_tables, *recv_tables, *receiver, *set_flags, *spec;
    if (!PyArg_ParseTuple(args, "nnO!O!O!O!O!", &n, &m, &PyList_Type, &event_tables, &PyList_Type, &recv_tables,
                          &PyTuple_Type, &receiver, &PyBytes_Type, &set_flags, &PyList_Type, &spec))
        return -1;
    if (PyList_GET_SIZE(event_tables) != n || PyList_GET_SIZE(recv_tables) != n ||
        PyTuple_GET_SIZE(receiver) != m || PyBytes_GET_SIZE(set_flags) != m) {
        PyErr_SetString(PyExc_ValueError, "Context: table sizes do not match the system");
        return -1;
    }
    self->n = n;
    self->m = m;
    Py_INCREF(event_tables); Py_XSETREF(self->event_tables, event_tables);
    Py_INCREF(recv_tables); Py_XSETREF(self->recv_tables, recv_tables);
    Py_INCREF(receiver); Py_XSETREF(self->receiver, receiver);
    Py_INCREF(set_flags); Py_XSETREF(self->set_flags, set_flags);
    Py_INCREF(spec); Py_XSETREF(self->spec, spec);
    return 0;
}

static void Context_dealloc(Context *self) {
    Py_XDECREF(self->event_tables);
    Py_XDECREF(self->recv_tables);
    Py_XDECREF(self->receiver);
    Py_XDECREF(self->set_flags);
    Py_XDECREF(self->spec);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef Context_methods[] = {
    {"expand", (PyCFunction)Context_expand, METH_O,
     "expand(state) -> (successors, unhandled), or None when a table entry is not built yet"},
    {"step", (PyCFunction)Context_step, METH_VARARGS,
     "step(state, i, index, taken, keep_edges) -> (successors, seen, new, back, unhandled), or None"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ContextType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_imsflow_expand.Context",
    .tp_basicsize = sizeof(Context),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Context(n, m, event_tables, recv_tables, receiver, set_flags, spec)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Context_init,
    .tp_dealloc = (destructor)Context_dealloc,
    .tp_methods = Context_methods,
};

#include "_search.c"

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_imsflow_expand", "TransitionSystem.expand in C (see fast.py)", -1, NULL,
};

PyMODINIT_FUNC PyInit__imsflow_expand(void) {
    if (PyType_Ready(&ContextType) < 0 || PyType_Ready(&SearchType) < 0) return NULL;
    PyObject *mod = PyModule_Create(&module);
    if (mod == NULL) return NULL;
    Py_INCREF(&ContextType);
    if (PyModule_AddObject(mod, "Context", (PyObject *)&ContextType) < 0) {
        Py_DECREF(&ContextType);
        Py_DECREF(mod);
        return NULL;
    }
    Py_INCREF(&SearchType);
    if (PyModule_AddObject(mod, "Search", (PyObject *)&SearchType) < 0) {
        Py_DECREF(&SearchType);
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
