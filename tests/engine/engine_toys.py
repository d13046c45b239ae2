"""Small hand-made systems with known answers, built in code (tests only)."""

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv

VOCAB = Vocabulary([
    MessageType("PING", "toy", "ping"),
    MessageType("PONG", "toy", "pong"),
    MessageType("REQ", "toy", "request"),
    MessageType("RSP", "toy", "response"),
])


def model(entities, flows=None, variants=None, capacity=2):
    return Model(
        name="toy", entities=list(entities),
        vocabulary=VOCAB, compose=lambda config: Composition([cls(config) for cls in entities], capacity=capacity),
        flows=flows or {}, variants=variants or {},
    )


class WaitsForB(Entity):
    """Deadlocks with WaitsForA: each waits for the other's message before sending its own."""
    name = "A"
    states = ["waiting", "done"]
    initial = "waiting"
    end_states = ["done"]
    transitions = [T("waiting", "done", on=recv("B", "PING"), do=lambda e: e.send("B", "PONG"))]


class WaitsForA(Entity):
    name = "B"
    states = ["waiting", "done"]
    initial = "waiting"
    end_states = ["done"]
    transitions = [T("waiting", "done", on=recv("A", "PONG"), do=lambda e: e.send("A", "PING"))]


class Client(Entity):
    """Sends one REQ; expects RSP."""
    name = "CLIENT"
    states = ["idle", "waiting", "done"]
    initial = "idle"
    end_states = ["idle", "done"]
    transitions = [
        T("idle", "waiting", on=event("ask"), do=lambda e: e.send("SERVER", "REQ")),
        T("waiting", "done", on=recv("SERVER", "RSP")),
    ]


class SilentServer(Entity):
    """Takes the REQ and never answers: a response property fails with a finite trace."""
    name = "SERVER"
    states = ["up"]
    initial = "up"
    end_states = ["up"]
    transitions = [T("up", None, on=recv("CLIENT", "REQ"))]


class PromptServer(Entity):
    """Answers every REQ at once: no run is infinite, so a response property is decided by
    looking at every run's end (what Z3 can prove)."""
    name = "SERVER"
    states = ["up"]
    initial = "up"
    end_states = ["up"]
    transitions = [T("up", None, on=recv("CLIENT", "REQ"), do=lambda e: e.send("CLIENT", "RSP"))]


class LoopingServer(Entity):
    """Answers only after an internal 'think' loop it may repeat forever: the response fails
    only if the loop can go on with nothing else enabled - under weak fairness it cannot."""
    name = "SERVER"
    states = ["up", "thinking"]
    initial = "up"
    end_states = ["up"]
    transitions = [
        T("up", "thinking", on=recv("CLIENT", "REQ")),
        T("thinking", None, on=event("think")),
        T("thinking", "up", on=event("answer"), do=lambda e: e.send("CLIENT", "RSP")),
    ]


class StubbornServer(Entity):
    """Loops forever and never answers: a fair lasso."""
    name = "SERVER"
    states = ["up", "busy_a", "busy_b"]
    initial = "up"
    end_states = ["up"]
    transitions = [
        T("up", "busy_a", on=recv("CLIENT", "REQ")),
        T("busy_a", "busy_b", on=event("spin")),
        T("busy_b", "busy_a", on=event("spin")),
    ]


class Pinger(Entity):
    name = "A"
    states = ["idle", "sent"]
    initial = "idle"
    end_states = ["idle", "sent"]
    transitions = [T("idle", "sent", on=event("go"), do=lambda e: e.send("B", "PING"))]


class DeafPonger(Entity):
    """Has a transition for PING only in a state it never reaches: PING arrives unhandled."""
    name = "B"
    states = ["idle", "ready"]
    initial = "idle"
    end_states = ["idle"]
    transitions = [T("ready", None, on=recv("A", "PING"))]
