"""Helpers the Annex U entity modules share (the seed's model/common.py plays the same role)."""

from imsflow.authoring import T, recv

NOT_IN_ANNEX_U = "not in Annex U"


def step(**labels):
    """A step label per flow: step(U1="3", U3="4")."""
    return dict(labels)


def reg_step(ims=None, web=None):
    """The same behaviour is step `ims` of the IMS-credential flows and `web` of the web ones."""
    labels = {}
    if ims:
        labels.update(U1=ims, U2=ims)
    if web:
        labels.update(U3=web, U4=web)
    return labels


def forward(to: str, name: str | None = None, **override):
    """Effect: send the received message (or `name`) on to `to`, fields unchanged unless overridden."""

    def fwd(e):
        fields = dict(e.msg.fields)
        fields.update(override)
        e.send(to, name or e.msg.name, **fields)

    fwd.__name__ = f"forward_to_{to}"
    return fwd


def relay(states, frm: str, to: str, messages, step=None):
    """Transitions that pass each of `messages` from `frm` on to `to` unchanged."""
    return [T(states, None, on=recv(frm, m), do=forward(to), step=step, name=f"relay {m} {frm}->{to}")
            for m in messages]
