/* The whole breadth-first search in C, over packed states (included by _expand.c).
 *
 * bfs.py's `_explore` is the reference: this file does the same search - the same state
 * numbering, parent links, edges and findings - without a Python object per state.
 *
 *   packed state   every component as a LEB128 varint, in state-tuple order: each process's
 *                  local index, each channel as its length then its message ids, each monitor
 *                  zig-zag coded (ERR = -1).  A component takes as few bytes as its value
 *                  needs (one, for nearly all of them), without knowing the domains up front:
 *                  tables, local states and messages are still discovered on demand.
 *   seen set       open addressing over 64-bit slots (32 hash bits | state id + 1) into one
 *                  arena of packed states; no per-state allocation.
 *   parent links   int32 parent and via arrays (every counterexample is a shortest one).
 *   edges          kept as CSR arrays when a response property needs them.
 *
 * Table entries are read from C mirrors of ts.py's tables; an entry that is not built yet is
 * asked of the Python side through the host's callbacks (events, recv, spec, is_end), which
 * build it in the one place tables are built (the compiler's on-demand resolver), and then
 * cached here.  Monitor steps are computed natively (monitor.py's Monitor.step). */

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#define SET_CAPACITY 64 /* a set channel never holds more distinct messages than this here */
#define MON_BITS 62     /* monitor bits a native int64 value can hold (beyond: Python search) */

enum { OP_ARM, OP_CHECK, OP_CONSUME, OP_DISARM, OP_FAIL };

typedef struct {
    int32_t proc, target, consume; /* consume: channel index, or -1 */
    int32_t nsend, nstep;
    int32_t *send;  /* nsend * (channel, message id, capacity or -1 for a set) */
    int32_t *step;  /* per step: monitor index, number of ops, then (op, bit) pairs */
} CAct;

typedef struct { uint64_t k1, k2; int32_t val, used; } RecvSlot;

typedef struct {
    PyObject_HEAD
    /* shape */
    Py_ssize_t n, m, k, ncells;
    int32_t *chan_off, *chan_cap, *receiver;
    uint8_t *is_set;
    Py_ssize_t mon_cell;
    /* host callbacks */
    PyObject *cb_events, *cb_recv, *cb_spec, *cb_is_end, *invariants; /* invariants: list of (slots, test) */
    PyObject *inv_memo;                                              /* list of dicts */
    /* table mirrors */
    CAct *acts; uint8_t *act_known; Py_ssize_t nacts;
    int32_t ***events; Py_ssize_t *events_len; /* events[p][local] -> [count, aids...] or NULL */
    uint8_t **endflag; Py_ssize_t *endflag_len; /* 0 unknown, 1 end, 2 not */
    RecvSlot *recv; Py_ssize_t recv_cap, recv_count;
    /* states */
    uint8_t *arena; size_t arena_len, arena_cap;
    uint64_t *off; /* count + 1 offsets */
    int32_t *parent, *via;
    uint32_t *moff; /* per state: where its monitors start in its packed bytes (pending reads only them) */
    Py_ssize_t count, cap_states;
    uint64_t *tab; Py_ssize_t tab_cap;
    /* edges */
    int keep_edges;
    int64_t *estart; Py_ssize_t estart_cap, expanded;
    int32_t *eaid, *edst; Py_ssize_t nedges, edge_cap;
    /* findings */
    uint8_t *taken; Py_ssize_t taken_cap;
    int32_t *deadlocks, *terminals; Py_ssize_t ndead, nterm, dead_cap, term_cap;
    int64_t *unh; Py_ssize_t nunh, unh_cap; /* (p, c, mid, sid) quadruples, first per key */
    int32_t *mon_first, *inv_first; Py_ssize_t ninv;
    Py_ssize_t transitions, back_edges, depth;
    double seconds;
    int complete, stop_kind; /* stop_kind: 0 none, 1 states, 2 time, 3 memory */
    /* scratch */
    int64_t *w2; /* decoding a state for state(), find() */
} Search;

/* ---- small helpers ------------------------------------------------------------------------ */

static int grow(void **ptr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *p = realloc(*ptr, c * elem);
    if (p == NULL) { PyErr_NoMemory(); return -1; }
    *ptr = p;
    *cap = c;
    return 0;
}
#define GROW(ptr, capvar, need) grow((void **)&(ptr), (size_t *)&(capvar), (size_t)(need), sizeof(*(ptr)))

static inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL; h ^= h >> 33;
    return h;
}

static uint64_t hash_bytes(const uint8_t *p, size_t len) {
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
    while (len >= 8) { uint64_t v; memcpy(&v, p, 8); h = mix64(h ^ v) ; p += 8; len -= 8; }
    uint64_t v = 0;
    memcpy(&v, p, len);
    return mix64(h ^ v ^ 0x5bd1e995ULL);
}

static inline uint8_t *put_varint(uint8_t *o, uint64_t v) {
    while (v >= 0x80) { *o++ = (uint8_t)(v | 0x80); v >>= 7; }
    *o++ = (uint8_t)v;
    return o;
}

static inline const uint8_t *get_varint(const uint8_t *p, uint64_t *v) {
    uint64_t x = 0; int shift = 0;
    while (*p & 0x80) { x |= (uint64_t)(*p++ & 0x7f) << shift; shift += 7; }
    x |= (uint64_t)(*p++) << shift;
    *v = x;
    return p;
}

static inline uint64_t zig(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzig(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* Pack the wide form w into buf (big enough: ncells * 10 bytes); returns the length. */
static size_t pack(Search *S, const int64_t *w, uint8_t *buf) {
    uint8_t *o = buf;
    Py_ssize_t i, c;
    for (i = 0; i < S->n; i++) o = put_varint(o, (uint64_t)w[i]);
    for (c = 0; c < S->m; c++) {
        const int64_t *q = w + S->chan_off[c];
        o = put_varint(o, (uint64_t)q[0]);
        for (i = 1; i <= q[0]; i++) o = put_varint(o, (uint64_t)q[i]);
    }
    for (i = 0; i < S->k; i++) o = put_varint(o, zig(w[S->mon_cell + i]));
    return (size_t)(o - buf);
}

static void unpack(Search *S, const uint8_t *p, int64_t *w) {
    uint64_t v;
    Py_ssize_t i, c;
    for (i = 0; i < S->n; i++) { p = get_varint(p, &v); w[i] = (int64_t)v; }
    for (c = 0; c < S->m; c++) {
        int64_t *q = w + S->chan_off[c];
        p = get_varint(p, &v); q[0] = (int64_t)v;
        for (i = 1; i <= q[0]; i++) { p = get_varint(p, &v); q[i] = (int64_t)v; }
    }
    for (i = 0; i < S->k; i++) { p = get_varint(p, &v); w[S->mon_cell + i] = unzig(v); }
}

/* Where the monitors start in a packed state: past every process and channel component. */
static uint32_t monitor_offset(Search *S, const uint8_t *base) {
    const uint8_t *p = base;
    uint64_t v, len;
    Py_ssize_t i, c;
    for (i = 0; i < S->n; i++) p = get_varint(p, &v);
    for (c = 0; c < S->m; c++) {
        p = get_varint(p, &len);
        for (uint64_t j = 0; j < len; j++) p = get_varint(p, &v);
    }
    return (uint32_t)(p - base);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- the seen set ------------------------------------------------------------------------- */

static int tab_rehash(Search *S, Py_ssize_t cap) {
    uint64_t *t = calloc((size_t)cap, sizeof(uint64_t));
    if (t == NULL) { PyErr_NoMemory(); return -1; }
    uint64_t mask = (uint64_t)cap - 1;
    for (Py_ssize_t i = 0; i < S->tab_cap; i++) {
        uint64_t e = S->tab[i];
        if (!e) continue;
        uint64_t j = (e >> 32) & mask;
        while (t[j]) j = (j + 1) & mask;
        t[j] = e;
    }
    free(S->tab);
    S->tab = t;
    S->tab_cap = cap;
    return 0;
}

/* The id of the packed state (buf, len), or -1; *slot_out: where it would go. */
static Py_ssize_t tab_find(Search *S, const uint8_t *buf, size_t len, uint32_t h, uint64_t *slot_out) {
    uint64_t mask = (uint64_t)S->tab_cap - 1, j = h & mask;
    for (;;) {
        uint64_t e = S->tab[j];
        if (!e) { *slot_out = j; return -1; }
        if ((uint32_t)(e >> 32) == h) {
            Py_ssize_t id = (Py_ssize_t)(e & 0xffffffffULL) - 1;
            size_t l = (size_t)(S->off[id + 1] - S->off[id]);
            if (l == len && memcmp(S->arena + S->off[id], buf, len) == 0) return id;
        }
        j = (j + 1) & mask;
    }
}

/* Add a new state (known not to be in the set); returns its id or -1 on error. */
static Py_ssize_t add_state(Search *S, const uint8_t *buf, size_t len, uint32_t h, uint64_t slot,
                            int32_t parent, int32_t via, uint32_t moff) {
    Py_ssize_t id = S->count;
    if (id >= 0x7ffffffe) { PyErr_SetString(PyExc_OverflowError, "native search: more than 2^31 states"); return -1; }
    if (GROW(S->arena, S->arena_cap, S->arena_len + len) < 0) return -1;
    memcpy(S->arena + S->arena_len, buf, len);
    S->arena_len += len;
    if (id + 2 > S->cap_states) {
        Py_ssize_t c = S->cap_states ? S->cap_states * 2 : 1024;
        uint64_t *o = realloc(S->off, (size_t)(c + 1) * sizeof(uint64_t));
        if (o == NULL) { PyErr_NoMemory(); return -1; }
        S->off = o;
        if (id == 0) o[0] = 0;
        int32_t *p = realloc(S->parent, (size_t)c * sizeof(int32_t));
        if (p == NULL) { PyErr_NoMemory(); return -1; }
        S->parent = p;
        int32_t *v = realloc(S->via, (size_t)c * sizeof(int32_t));
        if (v == NULL) { PyErr_NoMemory(); return -1; }
        S->via = v;
        uint32_t *mo = realloc(S->moff, (size_t)c * sizeof(uint32_t));
        if (mo == NULL) { PyErr_NoMemory(); return -1; }
        S->moff = mo;
        S->cap_states = c;
    }
    S->off[id + 1] = S->arena_len;
    S->parent[id] = parent;
    S->via[id] = via;
    S->moff[id] = moff;
    S->count = id + 1;
    S->tab[slot] = ((uint64_t)h << 32) | (uint64_t)(id + 1);
    if (S->count * 2 > S->tab_cap && tab_rehash(S, S->tab_cap * 2) < 0) return -1;
    return id;
}

/* ---- table mirrors (callbacks on a miss) --------------------------------------------------- */

#define MISS 2 /* a table entry not built yet, met by a thread that may not call Python */

/* 0 loaded, -1 error, MISS when not loaded and !may_call. */
static int load_action(Search *S, Py_ssize_t aid, int may_call) {
    if (!may_call) return aid < S->nacts && S->act_known[aid] ? 0 : MISS;
    if (aid >= S->nacts) {
        Py_ssize_t c = S->nacts ? S->nacts : 256;
        while (c <= aid) c *= 2;
        CAct *a = realloc(S->acts, (size_t)c * sizeof(CAct));
        if (a == NULL) { PyErr_NoMemory(); return -1; }
        S->acts = a;
        uint8_t *k = realloc(S->act_known, (size_t)c);
        if (k == NULL) { PyErr_NoMemory(); return -1; }
        memset(k + S->nacts, 0, (size_t)(c - S->nacts));
        S->act_known = k;
        S->nacts = c;
    }
    if (S->act_known[aid]) return 0;
    /* spec(aid) -> (proc, target, consume, ((chan, mid, cap), ...), ((monitor, ((op, bit), ...)), ...)) */
    PyObject *spec = PyObject_CallFunction(S->cb_spec, "n", aid);
    if (spec == NULL) return -1;
    CAct *a = &S->acts[aid];
    PyObject *sends, *steps;
    int proc, target, consume;
    if (!PyArg_ParseTuple(spec, "iiiO!O!", &proc, &target, &consume, &PyTuple_Type, &sends, &PyTuple_Type, &steps)) {
        Py_DECREF(spec);
        return -1;
    }
    a->proc = proc; a->target = target; a->consume = consume;
    a->nsend = (int32_t)PyTuple_GET_SIZE(sends);
    a->send = malloc(sizeof(int32_t) * 3 * (size_t)(a->nsend + 1));
    Py_ssize_t words = 0, i, j;
    for (i = 0; i < PyTuple_GET_SIZE(steps); i++)
        words += 2 + 2 * PyTuple_GET_SIZE(PyTuple_GET_ITEM(PyTuple_GET_ITEM(steps, i), 1));
    a->nstep = (int32_t)PyTuple_GET_SIZE(steps);
    a->step = malloc(sizeof(int32_t) * (size_t)(words + 1));
    if (a->send == NULL || a->step == NULL) { Py_DECREF(spec); PyErr_NoMemory(); return -1; }
    for (i = 0; i < a->nsend; i++) {
        PyObject *s = PyTuple_GET_ITEM(sends, i);
        for (j = 0; j < 3; j++) a->send[3 * i + j] = (int32_t)PyLong_AsLong(PyTuple_GET_ITEM(s, j));
    }
    int32_t *w = a->step;
    for (i = 0; i < a->nstep; i++) {
        PyObject *st = PyTuple_GET_ITEM(steps, i), *ops = PyTuple_GET_ITEM(st, 1);
        *w++ = (int32_t)PyLong_AsLong(PyTuple_GET_ITEM(st, 0));
        *w++ = (int32_t)PyTuple_GET_SIZE(ops);
        for (j = 0; j < PyTuple_GET_SIZE(ops); j++) {
            PyObject *op = PyTuple_GET_ITEM(ops, j);
            int32_t code = (int32_t)PyLong_AsLong(PyTuple_GET_ITEM(op, 0));
            int32_t bit = (int32_t)PyLong_AsLong(PyTuple_GET_ITEM(op, 1));
            if (bit < 0 || bit >= MON_BITS) {
                Py_DECREF(spec);
                PyErr_Format(PyExc_OverflowError, "native search: monitor bit %d does not fit", (int)bit);
                return -1;
            }
            *w++ = code;
            *w++ = bit;
        }
    }
    Py_DECREF(spec);
    if (PyErr_Occurred()) return -1;
    S->act_known[aid] = 1;
    return 0;
}

static int32_t MISSED[1];

/* [count, aids...], NULL on error, MISSED when not built and !may_call. */
static int32_t *events_of(Search *S, Py_ssize_t p, int64_t local, int may_call) {
    if (!may_call) return local < S->events_len[p] && S->events[p][local] != NULL ? S->events[p][local] : MISSED;
    if (local >= S->events_len[p]) {
        Py_ssize_t c = S->events_len[p] ? S->events_len[p] : 64;
        while (c <= local) c *= 2;
        int32_t **e = realloc(S->events[p], (size_t)c * sizeof(int32_t *));
        if (e == NULL) { PyErr_NoMemory(); return NULL; }
        memset(e + S->events_len[p], 0, (size_t)(c - S->events_len[p]) * sizeof(int32_t *));
        S->events[p] = e;
        S->events_len[p] = c;
    }
    int32_t *got = S->events[p][local];
    if (got != NULL) return got;
    PyObject *aids = PyObject_CallFunction(S->cb_events, "nL", p, (long long)local);
    if (aids == NULL) return NULL;
    PyObject *seq = PySequence_Fast(aids, "events: a sequence of action ids");
    Py_DECREF(aids);
    if (seq == NULL) return NULL;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(seq), i;
    got = malloc(sizeof(int32_t) * (size_t)(len + 1));
    if (got == NULL) { Py_DECREF(seq); PyErr_NoMemory(); return NULL; }
    got[0] = (int32_t)len;
    for (i = 0; i < len; i++) got[i + 1] = (int32_t)PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
    Py_DECREF(seq);
    if (PyErr_Occurred()) { free(got); return NULL; }
    S->events[p][local] = got;
    return got;
}

static int recv_grow(Search *S) {
    Py_ssize_t cap = S->recv_cap ? S->recv_cap * 2 : 1024, i;
    RecvSlot *t = calloc((size_t)cap, sizeof(RecvSlot));
    if (t == NULL) { PyErr_NoMemory(); return -1; }
    for (i = 0; i < S->recv_cap; i++) {
        RecvSlot *e = &S->recv[i];
        if (!e->used) continue;
        uint64_t j = mix64(e->k1 * 31 + e->k2) & (uint64_t)(cap - 1);
        while (t[j].used) j = (j + 1) & (uint64_t)(cap - 1);
        t[j] = *e;
    }
    free(S->recv);
    S->recv = t;
    S->recv_cap = cap;
    return 0;
}

/* The action id of p in `local` receiving `mid` on c, or -1 (unhandled); -2 on error; -3 when
 * not built yet and !may_call. */
static int32_t recv_of(Search *S, Py_ssize_t p, int64_t local, Py_ssize_t c, int64_t mid, int may_call) {
    uint64_t k1 = ((uint64_t)p << 32) | (uint64_t)c, k2 = ((uint64_t)local << 32) | (uint64_t)mid;
    uint64_t mask = (uint64_t)S->recv_cap - 1, j = mix64(k1 * 31 + k2) & mask;
    while (S->recv[j].used) {
        if (S->recv[j].k1 == k1 && S->recv[j].k2 == k2) return S->recv[j].val;
        j = (j + 1) & mask;
    }
    if (!may_call) return -3;
    PyObject *r = PyObject_CallFunction(S->cb_recv, "nLnL", p, (long long)local, c, (long long)mid);
    if (r == NULL) return -2;
    long aid = PyLong_AsLong(r);
    Py_DECREF(r);
    if (aid == -1 && PyErr_Occurred()) return -2;
    if (aid < 0) aid = -1;
    if ((S->recv_count + 1) * 2 > S->recv_cap) {
        if (recv_grow(S) < 0) return -2;
        mask = (uint64_t)S->recv_cap - 1;
        j = mix64(k1 * 31 + k2) & mask;
        while (S->recv[j].used) j = (j + 1) & mask;
    }
    S->recv[j].k1 = k1; S->recv[j].k2 = k2; S->recv[j].val = (int32_t)aid; S->recv[j].used = 1;
    S->recv_count++;
    return (int32_t)aid;
}

/* 1 when process p's local state `local` is a declared end state, 0 if not, -1 on error. */
static int is_end_local(Search *S, Py_ssize_t p, int64_t local) {
    if (local >= S->endflag_len[p]) {
        Py_ssize_t c = S->endflag_len[p] ? S->endflag_len[p] : 64;
        while (c <= local) c *= 2;
        uint8_t *f = realloc(S->endflag[p], (size_t)c);
        if (f == NULL) { PyErr_NoMemory(); return -1; }
        memset(f + S->endflag_len[p], 0, (size_t)(c - S->endflag_len[p]));
        S->endflag[p] = f;
        S->endflag_len[p] = c;
    }
    if (!S->endflag[p][local]) {
        PyObject *r = PyObject_CallFunction(S->cb_is_end, "nL", p, (long long)local);
        if (r == NULL) return -1;
        int yes = PyObject_IsTrue(r);
        Py_DECREF(r);
        if (yes < 0) return -1;
        S->endflag[p][local] = yes ? 1 : 2;
    }
    return S->endflag[p][local] == 1;
}

/* ---- the step: apply one action to the wide state ----------------------------------------- */

static inline int64_t monitor_step(int64_t v, const int32_t *ops, int32_t nops) {
    if (v == -1) return -1;
    for (int32_t i = 0; i < nops; i++) {
        int64_t mask = (int64_t)1 << ops[2 * i + 1];
        switch (ops[2 * i]) {
        case OP_ARM: v |= mask; break;
        case OP_CHECK: if (!(v & mask)) return -1; break;
        case OP_CONSUME: if (!(v & mask)) return -1; v &= ~mask; break;
        case OP_DISARM: v &= ~mask; break;
        default: return -1;
        }
    }
    return v;
}

/* Apply action aid to the wide state `out` in place: 1 done, 0 blocked (a full channel), -1
 * error, MISS (spec not loaded).  The caller undoes the changed components afterwards. */
static int apply_in_place(Search *S, Py_ssize_t aid, int64_t *out, int may_call) {
    int loaded = load_action(S, aid, may_call);
    if (loaded != 0) return loaded;
    CAct *a = &S->acts[aid];
    out[a->proc] = a->target;
    if (a->consume >= 0) {
        int64_t *q = out + S->chan_off[a->consume];
        for (int64_t i = 1; i < q[0]; i++) q[i] = q[i + 1];
        q[0]--;
    }
    for (int32_t i = 0; i < a->nsend; i++) {
        int32_t c = a->send[3 * i], mid = a->send[3 * i + 1], cap = a->send[3 * i + 2];
        int64_t *q = out + S->chan_off[c];
        if (cap < 0) { /* set channel: idempotent insert, kept sorted */
            int64_t at = q[0] + 1, j, dup = 0;
            for (j = 1; j <= q[0]; j++) {
                if (q[j] == mid) { dup = 1; break; }
                if (q[j] > mid) { at = j; break; }
            }
            if (dup) continue;
            if (q[0] >= SET_CAPACITY) {
                if (!may_call) return MISS; /* retried by the merging thread, which may raise */
                PyErr_SetString(PyExc_OverflowError, "native search: a set channel outgrew its native capacity");
                return -1;
            }
            for (j = q[0]; j >= at; j--) q[j + 1] = q[j];
            q[at] = mid;
            q[0]++;
            continue;
        }
        if (q[0] >= cap) return 0;
        q[++q[0]] = mid;
    }
    const int32_t *st = a->step;
    for (int32_t i = 0; i < a->nstep; i++) {
        int32_t mk = st[0], nops = st[1];
        out[S->mon_cell + mk] = monitor_step(out[S->mon_cell + mk], st + 2, nops);
        st += 2 + 2 * nops;
    }
    return 1;
}

/* The components an action changes, as indices of the state tuple (process p: p; channel c:
 * n + c; monitor k: n + m + k), sorted and without repeats; returns how many, or -1 when more
 * than cap (the caller then packs and restores the whole state). */
static int changed_components(Search *S, CAct *a, int32_t *out, int cap) {
    int k = 0, i, j;
    if (2 + a->nsend + a->nstep > cap) return -1;
    out[k++] = a->proc;
    if (a->consume >= 0) out[k++] = (int32_t)(S->n + a->consume);
    for (i = 0; i < a->nsend; i++) out[k++] = (int32_t)(S->n + a->send[3 * i]);
    const int32_t *st = a->step;
    for (i = 0; i < a->nstep; i++) { out[k++] = (int32_t)(S->n + S->m + st[0]); st += 2 + 2 * st[1]; }
    for (i = 1; i < k; i++) { /* insertion sort: a handful of entries */
        int32_t v = out[i];
        for (j = i - 1; j >= 0 && out[j] > v; j--) out[j + 1] = out[j];
        out[j + 1] = v;
    }
    for (i = j = 0; i < k; i++) if (i == 0 || out[i] != out[j - 1]) out[j++] = out[i];
    return j;
}

static inline uint8_t *put_component(Search *S, const int64_t *w, int32_t x, uint8_t *o) {
    if (x < S->n) return put_varint(o, (uint64_t)w[x]);
    if (x < S->n + S->m) {
        const int64_t *q = w + S->chan_off[x - S->n];
        o = put_varint(o, (uint64_t)q[0]);
        for (int64_t i = 1; i <= q[0]; i++) o = put_varint(o, (uint64_t)q[i]);
        return o;
    }
    return put_varint(o, zig(w[S->mon_cell + x - S->n - S->m]));
}

/* unpack, also noting where each component starts in the packed bytes (coff[ncomp]: the end). */
static void unpack_offsets(Search *S, const uint8_t *base, int64_t *w, uint32_t *coff) {
    const uint8_t *p = base;
    uint64_t v;
    Py_ssize_t i, c, x = 0;
    for (i = 0; i < S->n; i++) { coff[x++] = (uint32_t)(p - base); p = get_varint(p, &v); w[i] = (int64_t)v; }
    for (c = 0; c < S->m; c++) {
        int64_t *q = w + S->chan_off[c];
        coff[x++] = (uint32_t)(p - base);
        p = get_varint(p, &v); q[0] = (int64_t)v;
        for (i = 1; i <= q[0]; i++) { p = get_varint(p, &v); q[i] = (int64_t)v; }
    }
    for (i = 0; i < S->k; i++) { coff[x++] = (uint32_t)(p - base); p = get_varint(p, &v); w[S->mon_cell + i] = unzig(v); }
    coff[x] = (uint32_t)(p - base);
}

static void restore_components(Search *S, int64_t *t, const int64_t *w, const int32_t *changed, int nchanged);

/* t back to w after an in-place apply: the changed components, or all of it (nchanged < 0). */
static void undo(Search *S, int64_t *t, const int64_t *w, const int32_t *changed, int nchanged) {
    if (nchanged < 0) memcpy(t, w, sizeof(int64_t) * (size_t)S->ncells);
    else restore_components(S, t, w, changed, nchanged);
}

/* The successor's packed bytes from its parent's: the unchanged spans copied, the changed
 * components (sorted) encoded from t. */
static size_t pack_delta(Search *S, const uint8_t *parent, const uint32_t *coff, const int64_t *t,
                         const int32_t *changed, int nchanged, uint8_t *out, uint32_t *moff) {
    uint8_t *o = out;
    uint32_t pos = 0;
    Py_ssize_t ncomp = S->n + S->m + S->k;
    int64_t shift = 0; /* how much the components before the monitors grew */
    for (int i = 0; i < nchanged; i++) {
        int32_t x = changed[i];
        memcpy(o, parent + pos, coff[x] - pos);
        o += coff[x] - pos;
        uint8_t *at = o;
        o = put_component(S, t, x, o);
        if (x < S->n + S->m) shift += (int64_t)(o - at) - (int64_t)(coff[x + 1] - coff[x]);
        pos = coff[x + 1];
    }
    *moff = (uint32_t)((int64_t)coff[S->n + S->m] + shift);
    memcpy(o, parent + pos, coff[ncomp] - pos);
    o += coff[ncomp] - pos;
    return (size_t)(o - out);
}

/* t[x] = w[x] for every changed component x (undoing an in-place apply). */
static void restore_components(Search *S, int64_t *t, const int64_t *w, const int32_t *changed, int nchanged) {
    for (int i = 0; i < nchanged; i++) {
        int32_t x = changed[i];
        if (x < S->n) t[x] = w[x];
        else if (x < S->n + S->m) {
            Py_ssize_t off = S->chan_off[x - S->n];
            memcpy(t + off, w + off, sizeof(int64_t) * (size_t)(w[off] + 1 > t[off] + 1 ? w[off] + 1 : t[off] + 1));
        } else t[S->mon_cell + x - S->n - S->m] = w[S->mon_cell + x - S->n - S->m];
    }
}

/* ---- Python-visible form of a state ------------------------------------------------------- */

static PyObject *wide_to_tuple(Search *S, const int64_t *w) {
    Py_ssize_t size = S->n + S->m + S->k, i, c;
    PyObject *t = PyTuple_New(size);
    if (t == NULL) return NULL;
    for (i = 0; i < S->n; i++) {
        PyObject *v = PyLong_FromLongLong(w[i]);
        if (v == NULL) goto fail;
        PyTuple_SET_ITEM(t, i, v);
    }
    for (c = 0; c < S->m; c++) {
        const int64_t *q = w + S->chan_off[c];
        PyObject *qt = PyTuple_New((Py_ssize_t)q[0]);
        if (qt == NULL) goto fail;
        for (i = 0; i < q[0]; i++) {
            PyObject *v = PyLong_FromLongLong(q[i + 1]);
            if (v == NULL) { Py_DECREF(qt); goto fail; }
            PyTuple_SET_ITEM(qt, i, v);
        }
        PyTuple_SET_ITEM(t, S->n + c, qt);
    }
    for (i = 0; i < S->k; i++) {
        PyObject *v = PyLong_FromLongLong(w[S->mon_cell + i]);
        if (v == NULL) goto fail;
        PyTuple_SET_ITEM(t, S->n + S->m + i, v);
    }
    return t;
fail:
    Py_DECREF(t);
    return NULL;
}

/* A state tuple of the system into the wide form: 0, or -1 with an exception. */
static int tuple_to_wide(Search *S, PyObject *t, int64_t *w) {
    Py_ssize_t i, c, j;
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != S->n + S->m + S->k) {
        PyErr_SetString(PyExc_TypeError, "a state tuple of the system is needed");
        return -1;
    }
    for (i = 0; i < S->n; i++) {
        w[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(t, i));
        if (w[i] < 0) { if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "negative local"); return -1; }
    }
    for (c = 0; c < S->m; c++) {
        PyObject *q = PyTuple_GET_ITEM(t, S->n + c);
        if (!PyTuple_Check(q)) { PyErr_SetString(PyExc_TypeError, "a channel is a tuple"); return -1; }
        Py_ssize_t len = PyTuple_GET_SIZE(q), cap = S->chan_cap[c];
        if (len > cap) { PyErr_SetString(PyExc_OverflowError, "a channel holds more than its capacity"); return -1; }
        int64_t *cell = w + S->chan_off[c];
        cell[0] = len;
        for (j = 0; j < len; j++) cell[j + 1] = PyLong_AsLongLong(PyTuple_GET_ITEM(q, j));
    }
    for (i = 0; i < S->k; i++) {
        PyObject *v = PyTuple_GET_ITEM(t, S->n + S->m + i);
        int overflow = 0;
        w[S->mon_cell + i] = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow || w[S->mon_cell + i] < -1 || w[S->mon_cell + i] >= ((int64_t)1 << MON_BITS)) {
            PyErr_SetString(PyExc_OverflowError, "native search: a monitor value does not fit");
            return -1;
        }
    }
    return PyErr_Occurred() ? -1 : 0;
}

/* ---- findings ----------------------------------------------------------------------------- */

static int note_unhandled(Search *S, Py_ssize_t p, Py_ssize_t c, int64_t mid, Py_ssize_t sid) {
    for (Py_ssize_t i = 0; i < S->nunh; i++) /* few distinct keys: a linear scan is enough */
        if (S->unh[4 * i] == p && S->unh[4 * i + 1] == c && S->unh[4 * i + 2] == mid) return 0;
    if (GROW(S->unh, S->unh_cap, 4 * (S->nunh + 1)) < 0) return -1;
    int64_t *u = S->unh + 4 * S->nunh++;
    u[0] = p; u[1] = c; u[2] = mid; u[3] = sid;
    return 0;
}

static int note_taken(Search *S, Py_ssize_t aid) {
    if (aid >= S->taken_cap) {
        Py_ssize_t c = S->taken_cap ? S->taken_cap : 256;
        while (c <= aid) c *= 2;
        uint8_t *t = realloc(S->taken, (size_t)c);
        if (t == NULL) { PyErr_NoMemory(); return -1; }
        memset(t + S->taken_cap, 0, (size_t)(c - S->taken_cap));
        S->taken = t;
        S->taken_cap = c;
    }
    S->taken[aid] = 1;
    return 0;
}

/* Invariant k fails in the state (w)? 1 yes, 0 no, -1 error.  Remembered per value of the slots
 * the predicate reads (Pred.compile_memo), the key being those slots' packed bytes. */
static int invariant_fails(Search *S, Py_ssize_t k, const int64_t *w) {
    PyObject *entry = PyList_GET_ITEM(S->invariants, k);
    PyObject *slots = PyTuple_GET_ITEM(entry, 0), *test = PyTuple_GET_ITEM(entry, 1);
    uint8_t key[4096], *o = key;
    Py_ssize_t i, nslots = PyTuple_GET_SIZE(slots);
    for (i = 0; i < nslots && o - key < 4000; i++) {
        Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(slots, i));
        if (slot < S->n) o = put_varint(o, (uint64_t)w[slot]);
        else if (slot < S->n + S->m) {
            const int64_t *q = w + S->chan_off[slot - S->n];
            o = put_varint(o, (uint64_t)q[0]);
            for (int64_t j = 1; j <= q[0] && o - key < 4000; j++) o = put_varint(o, (uint64_t)q[j]);
        } else o = put_varint(o, zig(w[S->mon_cell + slot - S->n - S->m]));
    }
    PyObject *memo = PyList_GET_ITEM(S->inv_memo, k), *result;
    PyObject *kb = (i == nslots && o - key < 4000) ? PyBytes_FromStringAndSize((char *)key, o - key) : NULL;
    if (kb != NULL) {
        result = PyDict_GetItemWithError(memo, kb);
        if (result != NULL) { Py_DECREF(kb); return PyObject_IsTrue(result); }
        if (PyErr_Occurred()) { Py_DECREF(kb); return -1; }
    } else if (PyErr_Occurred()) return -1;
    PyObject *t = wide_to_tuple(S, w);
    if (t == NULL) { Py_XDECREF(kb); return -1; }
    result = PyObject_CallOneArg(test, t);
    Py_DECREF(t);
    if (result == NULL) { Py_XDECREF(kb); return -1; }
    int bad = PyObject_IsTrue(result);
    if (kb != NULL) {
        if (PyDict_SetItem(memo, kb, bad ? Py_True : Py_False) < 0) bad = -1;
        Py_DECREF(kb);
    }
    Py_DECREF(result);
    return bad;
}

/* What a new state j (wide form t, reached from s by aid) shows: monitor errors, invariants. */
static int check_new_state(Search *S, const int64_t *s, const int64_t *t, Py_ssize_t aid, Py_ssize_t j) {
    CAct *a = &S->acts[aid];
    const int32_t *st = a->step;
    for (int32_t i = 0; i < a->nstep; i++) {
        int32_t mk = st[0], nops = st[1];
        if (t[S->mon_cell + mk] == -1 && s[S->mon_cell + mk] != -1 && S->mon_first[mk] < 0) S->mon_first[mk] = (int32_t)j;
        st += 2 + 2 * nops;
    }
    for (Py_ssize_t k = 0; k < S->ninv; k++) {
        if (S->inv_first[k] >= 0) continue;
        int bad = invariant_fails(S, k, t);
        if (bad < 0) return -1;
        if (bad) S->inv_first[k] = (int32_t)j;
    }
    return 0;
}

/* ---- the search --------------------------------------------------------------------------- */

/* One successor found by an expansion: its action, packed bytes (in the worker's scratch), hash,
 * and its id when it was already in the seen set at expansion time (-1 otherwise). */
typedef struct { int32_t aid; int32_t known; size_t at, len; uint32_t h; int done; uint32_t errs, moff; } Succ;
#define ERRS_UNKNOWN 0x80000000u /* more steps than bits: the merge compares the monitors itself */

/* One state's expansion: where its successors and unhandled messages are in the worker's buffers. */
typedef struct { int status; size_t succ_from, nsucc, unh_from, nunh; } Rec;

/* What one thread expands with: its own wide states and buffers (nothing shared is written). */
typedef struct {
    Search *S;
    int64_t *w, *w2;
    uint32_t *coff; /* component offsets of the state being expanded */
    int32_t changed[256];
    uint8_t *scratch; size_t scratch_cap, used;
    Succ *succ; size_t succ_cap, nsucc;
    int64_t *unh; size_t unh_cap, nunh;
    Rec *recs;
    Py_ssize_t from, to; /* the states this thread expands */
    int may_call, failed;
} Work;

/* The memory the search holds (states, seen set, links, edges), in bytes. */
static size_t Search_bytes(Search *S) {
    return S->arena_cap + (size_t)S->tab_cap * 8 + (size_t)S->cap_states * 20 + (size_t)S->edge_cap * 8
           + (size_t)S->estart_cap * 8 + (size_t)S->recv_cap * sizeof(RecvSlot);
}

static int add_edge(Search *S, int32_t aid, int32_t dst) {
    if (GROW(S->eaid, S->edge_cap, S->nedges + 1) < 0) return -1;
    Py_ssize_t cap = S->edge_cap;
    /* edst shares the capacity of eaid */
    int32_t *d = realloc(S->edst, (size_t)cap * sizeof(int32_t));
    if (d == NULL) { PyErr_NoMemory(); return -1; }
    S->edst = d;
    S->eaid[S->nedges] = aid;
    S->edst[S->nedges] = dst;
    S->nedges++;
    return 0;
}

/* grow() without the Python error, for worker threads (they report failure instead) */
static int grow_quiet(void **ptr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need) c *= 2;
    void *p = realloc(*ptr, c * elem);
    if (p == NULL) return -1;
    *ptr = p;
    *cap = c;
    return 0;
}
#define WGROW(ptr, capvar, need) grow_quiet((void **)&(ptr), &(capvar), (size_t)(need), sizeof(*(ptr)))

/* Expand state i into W's buffers, in expand_py's order: every process's events, then each
 * channel's head (or, for a set channel, each message in it).  0 done, MISS when a table entry
 * is missing and W may not call Python (nothing is kept then), -1 error (memory, or Python's). */
static int expand_one(Work *W, Py_ssize_t i, Rec *rec) {
    Search *S = W->S;
    int may_call = W->may_call;
    size_t maxpack = (size_t)S->ncells * 10 + 16;
    rec->succ_from = W->nsucc; rec->unh_from = W->nunh; rec->nsucc = rec->nunh = 0;
    size_t used0 = W->used;
    const uint8_t *parent = S->arena + S->off[i];
    unpack_offsets(S, parent, W->w, W->coff);
    memcpy(W->w2, W->w, sizeof(int64_t) * (size_t)S->ncells); /* successors are made in place, then undone */
    const int64_t *w = W->w;
    for (Py_ssize_t p = 0; p < S->n + S->m; p++) {
        int32_t single[1], *aids = NULL;
        Py_ssize_t na = 0, c = -1, setchan = 0;
        if (p < S->n) {
            aids = events_of(S, p, w[p], may_call);
            if (aids == NULL) return -1;
            if (aids == MISSED) goto missed;
            na = aids[0];
            aids++;
        } else {
            c = p - S->n;
            const int64_t *q = w + S->chan_off[c];
            if (q[0] == 0) continue;
            Py_ssize_t r = S->receiver[c];
            if (S->is_set[c]) {
                setchan = 1;
                na = (Py_ssize_t)q[0];
            } else {
                int32_t aid = recv_of(S, r, w[r], c, q[1], may_call);
                if (aid == -2) return -1;
                if (aid == -3) goto missed;
                if (aid < 0) {
                    if (WGROW(W->unh, W->unh_cap, 3 * (W->nunh + 1)) < 0) goto nomem;
                    W->unh[3 * W->nunh] = r; W->unh[3 * W->nunh + 1] = c; W->unh[3 * W->nunh + 2] = q[1];
                    W->nunh++;
                    rec->nunh++;
                    continue;
                }
                single[0] = aid;
                aids = single;
                na = 1;
            }
        }
        for (Py_ssize_t x = 0; x < na; x++) {
            int32_t aid;
            if (setchan) {
                Py_ssize_t r = S->receiver[c];
                aid = recv_of(S, r, w[r], c, w[S->chan_off[c] + 1 + x], may_call);
                if (aid == -2) return -1;
                if (aid == -3) goto missed;
                if (aid < 0) continue;
            } else aid = aids[x];
            int loaded = load_action(S, aid, may_call);
            if (loaded < 0) return -1;
            if (loaded == MISS) goto missed;
            CAct *a = &S->acts[aid];
            int nch = changed_components(S, a, W->changed, 256);
            int done = apply_in_place(S, aid, W->w2, may_call);
            if (done != 1) undo(S, W->w2, w, W->changed, nch);
            if (done < 0) return -1;
            if (done == MISS) goto missed;
            if (!done) continue;
            if (WGROW(W->scratch, W->scratch_cap, W->used + maxpack) < 0) goto nomem;
            uint32_t moff = 0;
            size_t len = nch >= 0 ? pack_delta(S, parent, W->coff, W->w2, W->changed, nch, W->scratch + W->used, &moff)
                                  : pack(S, W->w2, W->scratch + W->used);
            if (nch < 0) moff = monitor_offset(S, W->scratch + W->used);
            /* which of the action's monitor steps turned its monitor to ERR here */
            uint32_t errs = 0;
            const int32_t *st = a->step;
            for (int32_t k = 0; k < a->nstep; k++) {
                int64_t before = w[S->mon_cell + st[0]], after = W->w2[S->mon_cell + st[0]];
                if (after == -1 && before != -1) errs |= k < 31 ? 1u << k : ERRS_UNKNOWN;
                st += 2 + 2 * st[1];
            }
            undo(S, W->w2, w, W->changed, nch);
            if (setchan) { /* reading a set is a step only if it changes something */
                size_t l0 = (size_t)(S->off[i + 1] - S->off[i]);
                if (len == l0 && memcmp(W->scratch + W->used, S->arena + S->off[i], len) == 0) continue;
            }
            if (WGROW(W->succ, W->succ_cap, W->nsucc + 1) < 0) goto nomem;
            Succ *e = &W->succ[W->nsucc++];
            uint64_t slot;
            e->aid = aid; e->at = W->used; e->len = len; e->done = 0; e->errs = errs; e->moff = moff;
            e->h = (uint32_t)hash_bytes(W->scratch + W->used, len);
            e->known = (int32_t)tab_find(S, W->scratch + W->used, len, e->h, &slot);
            W->used += len;
            rec->nsucc++;
        }
    }
    rec->status = 0;
    return 0;
missed:
    W->nsucc = rec->succ_from; W->nunh = rec->unh_from; W->used = used0;
    rec->nsucc = rec->nunh = 0;
    rec->status = MISS;
    return MISS;
nomem:
    if (may_call) PyErr_NoMemory();
    W->failed = 1;
    return -1;
}

/* File state i's expansion (rec, in W's buffers) exactly as bfs.py does: unhandled messages, a
 * terminal or deadlock, then the successors seen before this expansion, then the new ones. */
static int merge_one(Search *S, Work *W, Py_ssize_t i, Rec *rec, int64_t *ws, int64_t *wt) {
    size_t x;
    if (rec->nunh) {
        for (x = 0; x < rec->nunh; x++) {
            int64_t *u = W->unh + 3 * (rec->unh_from + x);
            if (note_unhandled(S, u[0], u[1], u[2], i) < 0) return -1;
        }
    } else {
        Succ *succ = W->succ + rec->succ_from;
        size_t nsucc = rec->nsucc;
        uint64_t slot;
        if (nsucc == 0) {
            unpack(S, S->arena + S->off[i], ws);
            int end = 1;
            for (Py_ssize_t c = 0; c < S->m && end; c++)
                if (!S->is_set[c] && ws[S->chan_off[c]] != 0) end = 0;
            for (Py_ssize_t p = 0; p < S->n && end; p++) {
                int e = is_end_local(S, p, ws[p]);
                if (e < 0) return -1;
                end = e;
            }
            if (GROW(S->terminals, S->term_cap, S->nterm + 1) < 0) return -1;
            S->terminals[S->nterm++] = (int32_t)i;
            if (!end) {
                if (GROW(S->deadlocks, S->dead_cap, S->ndead + 1) < 0) return -1;
                S->deadlocks[S->ndead++] = (int32_t)i;
            }
        }
        S->transitions += (Py_ssize_t)nsucc;
        for (x = 0; x < nsucc; x++) {
            Succ *e = &succ[x];
            if (note_taken(S, e->aid) < 0) return -1;
            Py_ssize_t j = e->known >= 0 ? e->known : tab_find(S, W->scratch + e->at, e->len, e->h, &slot);
            if (j >= 0) { /* seen before this expansion (perhaps earlier in this batch) */
                if (j <= i) S->back_edges++;
                if (S->keep_edges && add_edge(S, e->aid, (int32_t)j) < 0) return -1;
                e->done = 1;
            }
        }
        int unpacked = 0;
        for (x = 0; x < nsucc; x++) {
            Succ *e = &succ[x];
            if (e->done) continue;
            uint8_t *sb = W->scratch + e->at;
            Py_ssize_t j = tab_find(S, sb, e->len, e->h, &slot);
            if (j >= 0) { /* two actions of this expansion reach the same new state */
                if (S->keep_edges && add_edge(S, e->aid, (int32_t)j) < 0) return -1;
                continue;
            }
            j = add_state(S, sb, e->len, e->h, slot, (int32_t)i, e->aid, e->moff);
            if (j < 0) return -1;
            if (S->keep_edges && add_edge(S, e->aid, (int32_t)j) < 0) return -1;
            if (e->errs & ERRS_UNKNOWN || S->ninv) { /* compare the monitors (and test invariants) in full */
                if (!unpacked) { unpack(S, S->arena + S->off[i], ws); unpacked = 1; }
                unpack(S, S->arena + S->off[j], wt);
                if (check_new_state(S, ws, wt, e->aid, j) < 0) return -1;
            } else if (e->errs) {
                const int32_t *st = S->acts[e->aid].step;
                for (int32_t k = 0; k < S->acts[e->aid].nstep; k++) {
                    if (e->errs >> k & 1 && S->mon_first[st[0]] < 0) S->mon_first[st[0]] = (int32_t)j;
                    st += 2 + 2 * st[1];
                }
            }
        }
    }
    if (S->keep_edges) {
        if (GROW(S->estart, S->estart_cap, i + 2) < 0) return -1;
        S->estart[0] = 0;
        S->estart[i + 1] = S->nedges;
    }
    return 0;
}

static void *expand_range(void *arg) {
    Work *W = arg;
    for (Py_ssize_t i = W->from; i < W->to; i++)
        if (expand_one(W, i, &W->recs[i - W->from]) < 0) { W->failed = 1; break; }
    return NULL;
}

static void work_reset(Work *W) { W->used = 0; W->nsucc = 0; W->nunh = 0; W->failed = 0; }

static void work_free(Work *W) {
    free(W->coff);
    free(W->w); free(W->w2); free(W->scratch); free(W->succ); free(W->unh); free(W->recs);
}

#define BATCH 2048 /* states a thread expands between two merges */

/* Search.run(initial, max_states, timeout, max_bytes, keep_edges, progress, threads) -> None.
 * max_states, max_bytes: -1 for none; timeout: negative for none; progress: callable(states,
 * depth) or None, called every 1024 expansions as bfs.Progress.tick.
 *
 * With threads > 1 the states are expanded in batches, each thread a slice of the batch, with
 * the GIL released and nothing shared written: a table entry not built yet leaves that state to
 * the merge, which runs in this thread, in state order, and does everything that numbers,
 * links or records - so the states, their numbers, parents and edges are those of the
 * sequential search, whatever the number of threads. */
static PyObject *Search_run(Search *S, PyObject *args) {
    Py_ssize_t max_states, max_bytes;
    double timeout;
    int keep_edges, threads = 1;
    PyObject *progress, *init;
    if (!PyArg_ParseTuple(args, "Ondnp" "O|i", &init, &max_states, &timeout, &max_bytes, &keep_edges, &progress,
                          &threads))
        return NULL;
    if (S->count) { PyErr_SetString(PyExc_RuntimeError, "Search.run: a search runs once"); return NULL; }
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    S->keep_edges = keep_edges;
    double start = now_seconds();
    size_t maxpack = (size_t)S->ncells * 10 + 16;
    Work *works = calloc((size_t)threads + 1, sizeof(Work)); /* works[threads]: the merger's retries */
    pthread_t *tids = calloc((size_t)threads, sizeof(pthread_t));
    int64_t *ws = malloc(sizeof(int64_t) * (size_t)(S->ncells + 1)), *wt = malloc(sizeof(int64_t) * (size_t)(S->ncells + 1));
    uint8_t *buf = malloc(maxpack);
    int t;
    if (works == NULL || tids == NULL || ws == NULL || wt == NULL || buf == NULL) { PyErr_NoMemory(); goto error; }
    for (t = 0; t <= threads; t++) {
        Work *W = &works[t];
        W->S = S;
        W->w = malloc(sizeof(int64_t) * (size_t)(S->ncells + 1));
        W->w2 = malloc(sizeof(int64_t) * (size_t)(S->ncells + 1));
        W->recs = malloc(sizeof(Rec) * BATCH);
        W->coff = malloc(sizeof(uint32_t) * (size_t)(S->n + S->m + S->k + 1));
        if (W->w == NULL || W->w2 == NULL || W->recs == NULL || W->coff == NULL) { PyErr_NoMemory(); goto error; }
    }
    Work *retry = &works[threads];
    retry->may_call = 1;
    if (threads == 1) works[0].may_call = 1; /* no other thread: table entries are built as met */
    if (tuple_to_wide(S, init, ws) < 0) goto error;
    size_t len0 = pack(S, ws, buf);
    uint32_t h0 = (uint32_t)hash_bytes(buf, len0);
    uint64_t slot;
    tab_find(S, buf, len0, h0, &slot);
    if (add_state(S, buf, len0, h0, slot, -1, -1, monitor_offset(S, buf)) < 0) goto error;
    for (Py_ssize_t k = 0; k < S->ninv; k++) {
        int bad = invariant_fails(S, k, ws);
        if (bad < 0) goto error;
        if (bad) S->inv_first[k] = 0;
    }
    Py_ssize_t level_end = 1, i = 0;
    while (i < S->count) {
        /* a batch: the states known now from i on, a slice per thread */
        Py_ssize_t avail = S->count - i, per = (avail + threads - 1) / threads;
        if (per > BATCH) per = BATCH;
        int used = 0;
        for (t = 0; t < threads; t++) {
            Work *W = &works[t];
            work_reset(W);
            W->from = i + (Py_ssize_t)t * per;
            W->to = W->from + per < S->count ? W->from + per : S->count;
            if (W->from >= W->to) break;
            used++;
        }
        if (used == 1) {
            works[0].may_call = 1; /* one slice: expand it here, building entries as met */
            expand_range(&works[0]);
            if (works[0].failed) goto error;
        } else {
            for (t = 0; t < used; t++) works[t].may_call = 0;
            int started = 0;
            Py_BEGIN_ALLOW_THREADS
            for (t = 1; t < used; t++) {
                if (pthread_create(&tids[t], NULL, expand_range, &works[t]) != 0) break;
                started = t;
            }
            expand_range(&works[0]);
            for (t = 1; t <= started; t++) pthread_join(tids[t], NULL);
            for (t = started + 1; t < used; t++) expand_range(&works[t]); /* a thread that did not start */
            Py_END_ALLOW_THREADS
            for (t = 0; t < used; t++) if (works[t].failed) { if (!PyErr_Occurred()) PyErr_NoMemory(); goto error; }
        }
        int stop = 0;
        for (t = 0; t < used && !stop; t++) {
            Work *W = &works[t];
            for (Py_ssize_t x = W->from; x < W->to; x++) {
                if (i == level_end) { S->depth++; level_end = S->count; }
                Rec *rec = &W->recs[x - W->from];
                Work *from = W;
                if (rec->status == MISS) { /* expand it again here, building the entries it needs */
                    work_reset(retry);
                    if (expand_one(retry, x, rec) < 0) goto error;
                    from = retry;
                }
                if (merge_one(S, from, x, rec, ws, wt) < 0) goto error;
                i = x + 1;
                if ((i & 1023) == 0) {
                    if (progress != Py_None) {
                        PyObject *r = PyObject_CallFunction(progress, "nn", S->count, S->depth);
                        if (r == NULL) goto error;
                        Py_DECREF(r);
                    }
                    if (timeout >= 0 && now_seconds() - start > timeout) { S->stop_kind = 2; stop = 1; break; }
                    if (max_bytes >= 0 && (Py_ssize_t)Search_bytes(S) > max_bytes) { S->stop_kind = 3; stop = 1; break; }
                    if (PyErr_CheckSignals() < 0) goto error;
                }
                if (max_states >= 0 && S->count >= max_states && i < S->count) { S->stop_kind = 1; stop = 1; break; }
            }
        }
        if (stop) break;
    }
    S->expanded = i;
    S->complete = S->stop_kind == 0;
    S->seconds = now_seconds() - start;
    for (t = 0; t <= threads; t++) work_free(&works[t]);
    free(works); free(tids); free(ws); free(wt); free(buf);
    Py_RETURN_NONE;
error:
    if (works != NULL) for (t = 0; t <= threads; t++) work_free(&works[t]);
    free(works); free(tids); free(ws); free(wt); free(buf);
    return NULL;
}

/* ---- the cyclic core, natively (liveness.cyclic_core) ------------------------------------- */

/* Search.cyclic_core() -> [state ids on some cycle of the kept edges], as liveness.cyclic_core:
 * states no cycle passes through are peeled off first (Kahn), Tarjan runs on the rest. */
static PyObject *Search_cyclic_core(Search *S, PyObject *unused) {
    if (!S->keep_edges) { PyErr_SetString(PyExc_RuntimeError, "cyclic_core: the search kept no edges"); return NULL; }
    Py_ssize_t n = S->count, v, e, x;
    int32_t *indeg = calloc((size_t)n + 1, sizeof(int32_t)), *stack = malloc(sizeof(int32_t) * ((size_t)n + 1));
    uint8_t *removed = calloc((size_t)n + 1, 1);
    int32_t *index = NULL, *low = NULL, *tstack = NULL;
    int64_t *work = NULL;
    uint8_t *onstack = NULL;
    PyObject *out = NULL;
    if (indeg == NULL || stack == NULL || removed == NULL) { PyErr_NoMemory(); goto done; }
#define OUT_BEGIN(v) ((v) < S->expanded ? S->estart[v] : 0)
#define OUT_END(v) ((v) < S->expanded ? S->estart[(v) + 1] : 0)
    for (v = 0; v < n; v++)
        for (e = OUT_BEGIN(v); e < OUT_END(v); e++) indeg[S->edst[e]]++;
    Py_ssize_t top = 0;
    for (v = 0; v < n; v++) if (indeg[v] == 0) stack[top++] = (int32_t)v;
    while (top) {
        v = stack[--top];
        removed[v] = 1;
        for (e = OUT_BEGIN(v); e < OUT_END(v); e++)
            if (--indeg[S->edst[e]] == 0) stack[top++] = S->edst[e];
    }
    index = malloc(sizeof(int32_t) * ((size_t)n + 1));
    low = malloc(sizeof(int32_t) * ((size_t)n + 1));
    tstack = malloc(sizeof(int32_t) * ((size_t)n + 1));
    work = malloc(sizeof(int64_t) * 2 * ((size_t)n + 1));
    onstack = calloc((size_t)n + 1, 1);
    out = PyList_New(0);
    if (index == NULL || low == NULL || tstack == NULL || work == NULL || onstack == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    if (out == NULL) goto done;
    for (v = 0; v < n; v++) index[v] = -1;
    int32_t counter = 0;
    Py_ssize_t ttop = 0;
    for (Py_ssize_t root = 0; root < n; root++) {
        if (removed[root] || index[root] >= 0) continue;
        Py_ssize_t wtop = 0;
        work[0] = root; work[1] = OUT_BEGIN(root); wtop = 1;
        index[root] = low[root] = counter++;
        tstack[ttop++] = (int32_t)root; onstack[root] = 1;
        while (wtop) {
            v = work[2 * (wtop - 1)];
            e = work[2 * (wtop - 1) + 1];
            int recurse = 0;
            for (; e < OUT_END(v); e++) {
                int32_t w = S->edst[e];
                if (removed[w]) continue;
                if (index[w] < 0) {
                    work[2 * (wtop - 1) + 1] = e + 1;
                    index[w] = low[w] = counter++;
                    tstack[ttop++] = w; onstack[w] = 1;
                    work[2 * wtop] = w; work[2 * wtop + 1] = OUT_BEGIN(w); wtop++;
                    recurse = 1;
                    break;
                }
                if (onstack[w] && index[w] < low[v]) low[v] = index[w];
            }
            if (recurse) continue;
            wtop--;
            if (low[v] == index[v]) { /* v roots a component: it is cyclic if larger than one or self-looped */
                Py_ssize_t base = ttop;
                while (tstack[base - 1] != v) base--;
                base--;
                int cyclic = ttop - base > 1;
                if (!cyclic)
                    for (x = OUT_BEGIN(v); x < OUT_END(v); x++) if (S->edst[x] == v) cyclic = 1;
                for (x = base; x < ttop; x++) {
                    onstack[tstack[x]] = 0;
                    if (cyclic) {
                        PyObject *id = PyLong_FromLong(tstack[x]);
                        if (id == NULL || PyList_Append(out, id) < 0) { Py_XDECREF(id); Py_CLEAR(out); goto done; }
                        Py_DECREF(id);
                    }
                }
                ttop = base;
            }
            if (wtop) {
                Py_ssize_t u = work[2 * (wtop - 1)];
                if (low[v] < low[u]) low[u] = low[v];
            }
        }
    }
#undef OUT_BEGIN
#undef OUT_END
done:
    free(indeg); free(stack); free(removed); free(index); free(low); free(tstack); free(work); free(onstack);
    return out;
}

/* ---- the in-order witness over the kept edges ----------------------------------------------- */

/* Search.ordered(keys, restart, goal, max_nodes) -> (path as a list of action ids, or None; complete)
 *
 * witness.py's ordered_witness over the graph this search already holds, instead of expanding
 * every state again: a breadth-first search over (state, last step key) pairs that takes an
 * action only if its step key (int32 per action id, INT32_MIN for none) does not go back below
 * the last one, and restarts the order after an action flagged in `restart`.  The first action
 * flagged in `goal` met while expanding ends it; the path is the shortest such in-order run, in
 * the same edge order as the Python search, so both return the same run. */
typedef struct { uint64_t key; int32_t node; int32_t used; } ONode;

static PyObject *Search_ordered(Search *S, PyObject *args) {
    Py_buffer kb, rb, gb;
    long long max_nodes;
    if (!S->keep_edges) { PyErr_SetString(PyExc_RuntimeError, "ordered: the search kept no edges"); return NULL; }
    if (!PyArg_ParseTuple(args, "y*y*y*L", &kb, &rb, &gb, &max_nodes)) return NULL;
    const int32_t *keys = kb.buf;
    const uint8_t *restart = rb.buf, *goal = gb.buf;
    Py_ssize_t nkeys = kb.len / (Py_ssize_t)sizeof(int32_t);
    PyObject *out = NULL;
    int32_t *nsid = NULL, *nlast = NULL, *par = NULL, *via = NULL;
    size_t ncap = 0, ncap2 = 0, ncap3 = 0, ncap4 = 0, count = 0;
    ONode *tab = NULL;
    size_t tcap = 1024, tused = 0;
    int found = -1, complete = 1;
    int32_t found_aid = -1;
    if (rb.len < nkeys || gb.len < nkeys) { PyErr_SetString(PyExc_ValueError, "ordered: flag arrays too short"); goto done; }
    tab = calloc(tcap, sizeof(ONode));
    if (tab == NULL) { PyErr_NoMemory(); goto done; }
#define O_KEY(sid, last) (((uint64_t)(uint32_t)(sid) << 32) | (uint32_t)(last))
#define O_ADD(sid, last, p, a) do { \
        if (GROW(nsid, ncap, count + 1) < 0 || GROW(nlast, ncap2, count + 1) < 0 \
            || GROW(par, ncap3, count + 1) < 0 || GROW(via, ncap4, count + 1) < 0) goto done; \
        nsid[count] = (sid); nlast[count] = (last); par[count] = (p); via[count] = (a); count++; } while (0)
    /* the initial node: state 0, no step taken yet (INT32_MIN stands for -1 of the Python search) */
    {
        uint64_t k0 = O_KEY(0, INT32_MIN);
        size_t h = (size_t)mix64(k0) & (tcap - 1);
        tab[h].key = k0; tab[h].node = 0; tab[h].used = 1; tused = 1;
        O_ADD(0, INT32_MIN, -1, -1);
    }
    for (size_t i = 0; i < count && found < 0; i++) {
        int32_t sid = nsid[i], last = nlast[i];
        if (sid >= S->expanded) continue;
        for (int64_t e = S->estart[sid]; e < S->estart[sid + 1]; e++) {
            int32_t aid = S->eaid[e];
            int32_t k = aid < nkeys ? keys[aid] : INT32_MIN;
            if (k != INT32_MIN && k < last) continue;
            if (aid < nkeys && goal[aid]) { found = (int)i; found_aid = aid; break; }
            int32_t nl = (aid < nkeys && restart[aid]) ? INT32_MIN : (k == INT32_MIN ? last : k);
            uint64_t key = O_KEY(S->edst[e], nl);
            size_t h = (size_t)mix64(key) & (tcap - 1);
            while (tab[h].used && tab[h].key != key) h = (h + 1) & (tcap - 1);
            if (tab[h].used) continue;
            tab[h].key = key; tab[h].node = (int32_t)count; tab[h].used = 1;
            O_ADD(S->edst[e], nl, (int32_t)i, aid);
            if (++tused * 2 > tcap) { /* rehash at half full */
                size_t ncapt = tcap * 2;
                ONode *t2 = calloc(ncapt, sizeof(ONode));
                if (t2 == NULL) { PyErr_NoMemory(); goto done; }
                for (size_t x = 0; x < tcap; x++) if (tab[x].used) {
                    size_t y = (size_t)mix64(tab[x].key) & (ncapt - 1);
                    while (t2[y].used) y = (y + 1) & (ncapt - 1);
                    t2[y] = tab[x];
                }
                free(tab); tab = t2; tcap = ncapt;
            }
        }
        if (found < 0 && max_nodes >= 0 && (long long)count >= max_nodes) { complete = 0; break; }
    }
#undef O_KEY
#undef O_ADD
    if (found < 0) { out = Py_BuildValue("(OO)", Py_None, complete ? Py_True : Py_False); goto done; }
    {
        Py_ssize_t len = 1;
        for (int32_t j = found; j > 0; j = par[j]) len++;
        PyObject *path = PyList_New(len);
        if (path == NULL) goto done;
        Py_ssize_t at = len - 1;
        PyList_SET_ITEM(path, at--, PyLong_FromLong(found_aid));
        for (int32_t j = found; j > 0; j = par[j]) PyList_SET_ITEM(path, at--, PyLong_FromLong(via[j]));
        out = Py_BuildValue("(NO)", path, Py_True);
    }
done:
    PyBuffer_Release(&kb); PyBuffer_Release(&rb); PyBuffer_Release(&gb);
    free(nsid); free(nlast); free(par); free(via); free(tab);
    return out;
}

/* ---- reading the results ------------------------------------------------------------------ */

static PyObject *Search_state(Search *S, PyObject *arg) {
    Py_ssize_t i = PyLong_AsSsize_t(arg);
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (i < 0) i += S->count;
    if (i < 0 || i >= S->count) { PyErr_SetString(PyExc_IndexError, "state id out of range"); return NULL; }
    unpack(S, S->arena + S->off[i], S->w2);
    return wide_to_tuple(S, S->w2);
}

/* Search.find(state tuple) -> its id, or -1 when it was not reached. */
static PyObject *Search_find(Search *S, PyObject *t) {
    uint8_t *buf = malloc((size_t)S->ncells * 10 + 16);
    if (buf == NULL) return PyErr_NoMemory();
    if (tuple_to_wide(S, t, S->w2) < 0) {
        free(buf);
        if (PyErr_ExceptionMatches(PyExc_TypeError) || PyErr_ExceptionMatches(PyExc_OverflowError)
            || PyErr_ExceptionMatches(PyExc_ValueError)) { /* not a state this search can hold */
            PyErr_Clear();
            return PyLong_FromLong(-1);
        }
        return NULL;
    }
    size_t len = pack(S, S->w2, buf);
    uint64_t slot;
    Py_ssize_t id = S->tab_cap ? tab_find(S, buf, len, (uint32_t)hash_bytes(buf, len), &slot) : -1;
    free(buf);
    return PyLong_FromSsize_t(id);
}

static PyObject *int32_bytes(const int32_t *a, Py_ssize_t n) {
    return PyBytes_FromStringAndSize((const char *)a, n * (Py_ssize_t)sizeof(int32_t));
}

static PyObject *Search_links(Search *S, PyObject *unused) {
    return Py_BuildValue("(NN)", int32_bytes(S->parent, S->count), int32_bytes(S->via, S->count));
}

/* Search.edges() -> (starts as int64 bytes, action ids, successor ids as int32 bytes), or None. */
static PyObject *Search_edges(Search *S, PyObject *unused) {
    if (!S->keep_edges) Py_RETURN_NONE;
    return Py_BuildValue("(NNN)",
                         PyBytes_FromStringAndSize((const char *)S->estart, (S->expanded + 1) * 8),
                         int32_bytes(S->eaid, S->nedges), int32_bytes(S->edst, S->nedges));
}

/* Search.pending(monitor, mask) -> [ids of states whose monitor value is > 0 and meets mask];
 * mask 0: the OR of every positive value of that monitor instead (an int). */
static PyObject *Search_pending(Search *S, PyObject *args) {
    Py_ssize_t mk;
    long long mask;
    if (!PyArg_ParseTuple(args, "nL", &mk, &mask)) return NULL;
    if (mk < 0 || mk >= S->k) { PyErr_SetString(PyExc_IndexError, "no such monitor"); return NULL; }
    PyObject *out = mask ? PyList_New(0) : NULL;
    if (mask && out == NULL) return NULL;
    int64_t seen = 0;
    for (Py_ssize_t i = 0; i < S->count; i++) {
        const uint8_t *p = S->arena + S->off[i] + S->moff[i];
        uint64_t raw;
        for (Py_ssize_t skip = 0; skip < mk; skip++) p = get_varint(p, &raw);
        get_varint(p, &raw);
        int64_t v = unzig(raw);
        if (v <= 0) continue;
        if (!mask) { seen |= v; continue; }
        if (v & mask) {
            PyObject *id = PyLong_FromSsize_t(i);
            if (id == NULL || PyList_Append(out, id) < 0) { Py_XDECREF(id); Py_DECREF(out); return NULL; }
            Py_DECREF(id);
        }
    }
    return mask ? out : PyLong_FromLongLong(seen);
}

static PyObject *int32_list(const int32_t *a, Py_ssize_t n) {
    PyObject *out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PyLong_FromLong(a[i]);
        if (v == NULL) { Py_DECREF(out); return NULL; }
        PyList_SET_ITEM(out, i, v);
    }
    return out;
}

/* Search.findings() -> dict of everything the checkers read besides states and links. */
static PyObject *Search_findings(Search *S, PyObject *unused) {
    PyObject *taken = PyList_New(0), *unh = PyList_New(0), *mon = PyList_New(0), *inv = PyList_New(0);
    PyObject *out = NULL;
    Py_ssize_t i;
    if (taken == NULL || unh == NULL || mon == NULL || inv == NULL) goto done;
    for (i = 0; i < S->taken_cap; i++) {
        if (!S->taken[i]) continue;
        PyObject *v = PyLong_FromSsize_t(i);
        if (v == NULL || PyList_Append(taken, v) < 0) { Py_XDECREF(v); goto done; }
        Py_DECREF(v);
    }
    for (i = 0; i < S->nunh; i++) {
        int64_t *u = S->unh + 4 * i;
        PyObject *v = Py_BuildValue("(LLLL)", u[0], u[1], u[2], u[3]);
        if (v == NULL || PyList_Append(unh, v) < 0) { Py_XDECREF(v); goto done; }
        Py_DECREF(v);
    }
    for (i = 0; i < S->k; i++) {
        if (S->mon_first[i] < 0) continue;
        PyObject *v = Py_BuildValue("(ni)", i, S->mon_first[i]);
        if (v == NULL || PyList_Append(mon, v) < 0) { Py_XDECREF(v); goto done; }
        Py_DECREF(v);
    }
    for (i = 0; i < S->ninv; i++) {
        if (S->inv_first[i] < 0) continue;
        PyObject *v = Py_BuildValue("(ni)", i, S->inv_first[i]);
        if (v == NULL || PyList_Append(inv, v) < 0) { Py_XDECREF(v); goto done; }
        Py_DECREF(v);
    }
    out = Py_BuildValue("{s:N,s:N,s:O,s:O,s:O,s:O,s:n,s:n,s:n,s:n,s:O,s:i,s:d,s:n}",
                        "deadlocks", int32_list(S->deadlocks, S->ndead),
                        "terminals", int32_list(S->terminals, S->nterm),
                        "taken", taken, "unhandled", unh, "monitor_errors", mon, "invariant_failures", inv,
                        "transitions", S->transitions, "back_edges", S->back_edges, "depth", S->depth,
                        "expanded", S->expanded, "complete", S->complete ? Py_True : Py_False,
                        "stop_kind", S->stop_kind, "seconds", S->seconds, "bytes", (Py_ssize_t)Search_bytes(S));
done:
    Py_XDECREF(taken); Py_XDECREF(unh); Py_XDECREF(mon); Py_XDECREF(inv);
    return out;
}

static Py_ssize_t Search_len(Search *S) { return S->count; }

/* ---- construction ------------------------------------------------------------------------- */

/* Search(capacities, set_flags, receiver, monitors, host callbacks (events, recv, spec, is_end),
 * invariants [(slots, test)]); capacities: per channel (a set channel's is ignored). */
static int Search_init(Search *S, PyObject *args, PyObject *kwds) {
    PyObject *caps, *set_flags, *receiver, *events, *recv, *spec, *is_end, *invariants;
    Py_ssize_t n, k, c;
    if (!PyArg_ParseTuple(args, "nO!O!O!nOOOOO!", &n, &PyTuple_Type, &caps, &PyBytes_Type, &set_flags,
                          &PyTuple_Type, &receiver, &k, &events, &recv, &spec, &is_end, &PyList_Type, &invariants))
        return -1;
    if (S->chan_off != NULL) { PyErr_SetString(PyExc_RuntimeError, "Search: initialised twice"); return -1; }
    Py_ssize_t m = PyTuple_GET_SIZE(caps);
    if (PyBytes_GET_SIZE(set_flags) != m || PyTuple_GET_SIZE(receiver) != m) {
        PyErr_SetString(PyExc_ValueError, "Search: channel tables do not match");
        return -1;
    }
    S->n = n; S->m = m; S->k = k;
    S->chan_off = malloc(sizeof(int32_t) * (size_t)(m + 1));
    S->chan_cap = malloc(sizeof(int32_t) * (size_t)(m + 1));
    S->receiver = malloc(sizeof(int32_t) * (size_t)(m + 1));
    S->is_set = malloc((size_t)m + 1);
    S->events = calloc((size_t)n + 1, sizeof(int32_t **));
    S->events_len = calloc((size_t)n + 1, sizeof(Py_ssize_t));
    S->endflag = calloc((size_t)n + 1, sizeof(uint8_t *));
    S->endflag_len = calloc((size_t)n + 1, sizeof(Py_ssize_t));
    S->mon_first = malloc(sizeof(int32_t) * (size_t)(k + 1));
    S->ninv = PyList_GET_SIZE(invariants);
    S->inv_first = malloc(sizeof(int32_t) * (size_t)(S->ninv + 1));
    if (!S->chan_off || !S->chan_cap || !S->receiver || !S->is_set || !S->events || !S->events_len || !S->endflag
        || !S->endflag_len || !S->mon_first || !S->inv_first) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t cell = n;
    for (c = 0; c < m; c++) {
        S->is_set[c] = (uint8_t)PyBytes_AS_STRING(set_flags)[c];
        long cap = S->is_set[c] ? SET_CAPACITY : PyLong_AsLong(PyTuple_GET_ITEM(caps, c));
        if (cap < 0 || cap > 4096) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "Search: a channel capacity out of range");
            return -1;
        }
        S->chan_cap[c] = (int32_t)cap;
        S->chan_off[c] = (int32_t)cell;
        S->receiver[c] = (int32_t)PyLong_AsLong(PyTuple_GET_ITEM(receiver, c));
        cell += 1 + cap;
    }
    S->mon_cell = cell;
    S->ncells = cell + k;
    for (c = 0; c < k; c++) S->mon_first[c] = -1;
    for (c = 0; c < S->ninv; c++) S->inv_first[c] = -1;
    S->w2 = malloc(sizeof(int64_t) * (size_t)(S->ncells + 1));
    S->tab_cap = 1 << 12;
    S->tab = calloc((size_t)S->tab_cap, sizeof(uint64_t));
    S->inv_memo = PyList_New(S->ninv);
    if (S->w2 == NULL || S->tab == NULL || S->inv_memo == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return -1;
    }
    for (c = 0; c < S->ninv; c++) {
        PyObject *entry = PyList_GET_ITEM(invariants, c);
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2 || !PyTuple_Check(PyTuple_GET_ITEM(entry, 0))) {
            PyErr_SetString(PyExc_TypeError, "Search: an invariant is (slots tuple, test)");
            return -1;
        }
        PyObject *d = PyDict_New();
        if (d == NULL) return -1;
        PyList_SET_ITEM(S->inv_memo, c, d);
    }
    if (recv_grow(S) < 0) return -1;
    S->cb_events = Py_NewRef(events); S->cb_recv = Py_NewRef(recv); S->cb_spec = Py_NewRef(spec);
    S->cb_is_end = Py_NewRef(is_end); S->invariants = Py_NewRef(invariants);
    return PyErr_Occurred() ? -1 : 0;
}

static void Search_dealloc(Search *S) {
    Py_ssize_t i;
    Py_XDECREF(S->cb_events); Py_XDECREF(S->cb_recv); Py_XDECREF(S->cb_spec); Py_XDECREF(S->cb_is_end);
    Py_XDECREF(S->invariants); Py_XDECREF(S->inv_memo);
    for (i = 0; i < S->nacts; i++) if (S->act_known && S->act_known[i]) { free(S->acts[i].send); free(S->acts[i].step); }
    free(S->acts); free(S->act_known);
    if (S->events) for (i = 0; i < S->n; i++) {
        for (Py_ssize_t j = 0; j < S->events_len[i]; j++) free(S->events[i][j]);
        free(S->events[i]);
    }
    if (S->endflag) for (i = 0; i < S->n; i++) free(S->endflag[i]);
    free(S->events); free(S->events_len); free(S->endflag); free(S->endflag_len);
    free(S->chan_off); free(S->chan_cap); free(S->receiver); free(S->is_set);
    free(S->recv); free(S->arena); free(S->off); free(S->moff); free(S->parent); free(S->via); free(S->tab);
    free(S->estart); free(S->eaid); free(S->edst); free(S->taken); free(S->deadlocks); free(S->terminals);
    free(S->unh); free(S->mon_first); free(S->inv_first); free(S->w2);
    Py_TYPE(S)->tp_free((PyObject *)S);
}

static PyMethodDef Search_methods[] = {
    {"run", (PyCFunction)Search_run, METH_VARARGS,
     "run(initial, max_states, timeout, max_bytes, keep_edges, progress): the breadth-first search"},
    {"state", (PyCFunction)Search_state, METH_O, "state(i) -> the state tuple numbered i"},
    {"find", (PyCFunction)Search_find, METH_O, "find(state) -> its number, or -1"},
    {"links", (PyCFunction)Search_links, METH_NOARGS, "links() -> (parent, via) as int32 bytes"},
    {"edges", (PyCFunction)Search_edges, METH_NOARGS, "edges() -> (starts, action ids, successors) or None"},
    {"pending", (PyCFunction)Search_pending, METH_VARARGS, "pending(monitor, mask) -> state ids (mask 0: bits seen)"},
    {"cyclic_core", (PyCFunction)Search_cyclic_core, METH_NOARGS, "cyclic_core() -> ids of states on a cycle"},
    {"findings", (PyCFunction)Search_findings, METH_NOARGS, "findings() -> dict"},
    {"ordered", (PyCFunction)Search_ordered, METH_VARARGS,
     "ordered(keys, restart, goal, max_nodes) -> (shortest in-order path to a goal action or None, complete)"},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods Search_as_sequence = {.sq_length = (lenfunc)Search_len};

static PyTypeObject SearchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_imsflow_expand.Search",
    .tp_basicsize = sizeof(Search),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Search(n, capacities, set_flags, receiver, k, events, recv, spec, is_end, invariants)",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Search_init,
    .tp_dealloc = (destructor)Search_dealloc,
    .tp_methods = Search_methods,
    .tp_as_sequence = &Search_as_sequence,
};
