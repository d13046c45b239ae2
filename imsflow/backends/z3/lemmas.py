"""Candidate invariants for strengthening k-induction, mined from sample states.

Candidates are relational facts about the compiled system that protocols usually keep:

  * while process p is in local state l, process q is in one of the local states seen with it;
  * while p is in l, FIFO channel c holds at most n messages, each one of those seen there;
  * while p is in l, a set channel's message m is always / never present;
  * while p is in l, monitor k has bit b set / clear and has not erred.

The samples come from a budgeted walk of TransitionSystem.expand (breadth-first, then random
walks that reach deeper).  They only *suggest* candidates: induction.Inductor.houdini keeps
just the subset that it proves initial and inductive, so a misleading sample costs strength,
never soundness.
"""

from __future__ import annotations

import random
import time

import z3

from .encode import Encoding


def sample_states(ts, *, limit: int = 20_000, walks: int = 200, seconds: float = 5.0, seed: int = 0) -> list:
    """Reachable states: a BFS prefix of about limit/2 states, then random walks."""
    start = time.perf_counter()
    init = ts.initial_state()
    seen = {init}
    order = [init]
    i = 0
    while i < len(order) and len(order) < limit // 2 and time.perf_counter() - start < seconds / 2:
        succ, unhandled = ts.expand(order[i])
        i += 1
        if unhandled:
            continue
        for _, t in succ:
            if t not in seen:
                seen.add(t)
                order.append(t)
    rng = random.Random(seed)
    for _ in range(walks):
        if len(order) >= limit or time.perf_counter() - start > seconds:
            break
        s = init
        for _ in range(400):
            succ, unhandled = ts.expand(s)
            if unhandled or not succ:
                break
            s = rng.choice(succ)[1]
            if s not in seen:
                seen.add(s)
                order.append(s)
    return order


def candidates(enc: Encoding, states: list, *, max_candidates: int = 2000) -> list:
    """Functions State -> formula, each a fact true of every sample state."""
    ts = enc.ts
    n = ts.n
    by_proc_local: dict = {}
    for s in states:
        for p in range(n):
            by_proc_local.setdefault((p, s[p]), []).append(s)
    out = []
    for (p, li), group in sorted(by_proc_local.items()):
        def when(s, p=p, li=li):
            return s["loc", p] == li

        for q in range(n):
            if q == p:
                continue
            seen = sorted({g[q] for g in group})
            if len(seen) == len(ts.processes[q].locals):
                continue
            out.append(lambda s, q=q, seen=seen, when=when: z3.Implies(
                when(s), z3.Or([s["loc", q] == v for v in seen])))
        for c in range(ts.m):
            slot = n + c
            if c in enc.fifo:
                cap = ts.channels[c].capacity
                longest = max(len(g[slot]) for g in group)
                if longest < cap:
                    out.append(lambda s, c=c, longest=longest, when=when: z3.Implies(when(s), z3.ULE(s["len", c], longest)))
                for j in range(min(longest, cap)):
                    msgs = sorted({g[slot][j] for g in group if len(g[slot]) > j})
                    if len(msgs) < len(enc.chan_msgs[c]):
                        out.append(lambda s, c=c, j=j, msgs=msgs, when=when: z3.Implies(
                            when(s), z3.Or([s["slot", c, j] == m for m in msgs] + [s["slot", c, j] == enc.empty])))
            else:
                for m in enc.chan_msgs[c]:
                    present = {m in g[slot] for g in group}
                    if len(present) == 1:
                        want = present.pop()
                        out.append(lambda s, c=c, m=m, want=want, when=when: z3.Implies(
                            when(s), s["has", c, m] == want))
        for k in range(ts.k):
            slot = ts.mon_off + k
            values = {g[slot] for g in group}
            if -1 not in values:
                out.append(lambda s, k=k, when=when: z3.Implies(when(s), z3.Not(s["err", k])))
                for b in range(enc.mon_bits[k]):
                    bits = {(v >> b) & 1 for v in values}
                    if len(bits) == 1:
                        want = bits.pop() == 1
                        out.append(lambda s, k=k, b=b, want=want, when=when: z3.Implies(
                            when(s), s["bit", k, b] == want))
        if len(out) >= max_candidates:
            break
    return out[:max_candidates]
