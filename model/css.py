"""CSS - the Client Script Server: serves the WIC's JavaScript over HTTPS (step 1 of every
registration flow) and, in 6.X.2.2.4, drives the registration of the wildcard IMPU range
(steps 0, 1, 11, 12): "the Client Script Server ... may send a SIP register request to the Web
Signalling Translator requesting registration of an individual IMPI/IMPU within the range
allocated (this request will also contain the digest password ...)".
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_SEED, discard
from .messages import POOL


class CSS(Entity):
    """Client Script Server (and, in F4, the function that asks for the range registration)."""

    name = "CSS"
    standard = "HTTPS (RFC 9110): not standardised beyond it"
    clause = "6.X.2.1, 6.X.2.2.4"
    states = ["serving", "range_init", "range_registering", "range_done"]
    initial = "serving"
    end_states = ["serving", "range_done"]
    variables = {"next": (0,) + POOL}  # the range identity being registered (0: none)

    def serve_script(self):
        self.reply("SCRIPT", wic=self.msg.wic)

    def initialise(self):
        # Step 0: CSS, IWAIS and WST learn that a block of identities is to be registered.
        self.send("IWAIS", "RANGE_INIT", wic=1)
        self.send("WST", "RANGE_INIT", wic=1)

    def register_identity(self, impu=None):
        impu = impu or POOL[0]
        self.v.next = impu
        # The seed puts the identity's digest password into this REGISTER.
        self.send("WST", "REGISTER", wic=1, impu=impu, cred="password", token="none", tna="no",
                  response="none")

    def next_or_done(self):
        i = POOL.index(self.v.next)
        if i + 1 < len(POOL):
            self.register_identity(POOL[i + 1])  # NOTE of step 11: steps 1-11 are repeated

    def more_to_register(self):
        return POOL.index(self.v.next) + 1 < len(POOL)

    def post_registration(self):
        self.v.next = 0
        self.send("IWAIS", "RANGE_READY", wic=1)
        self.send("WST", "RANGE_READY", wic=1)

    transitions = [
        T("*", None, on=recv("WIC", "HTTPS_GET"), do="serve_script", step={"F1": "1", "F2": "1", "F3": "1", "F5": "1"}),
        T("serving", "range_init", on=event("initialise_range"), when=lambda e: scenario.range_flow(e.config),
          do="initialise", step={"F4": "0"}),
        T("range_init", "range_registering", on=event("register_range"), when=lambda e: e.v.next == 0,
          do="register_identity", step={"F4": "1"}),
        T("range_registering", None, on=recv("WST", "200(REGISTER)"), when="more_to_register", do="next_or_done",
          step={"F4": "11"}),
        T("range_registering", "range_init", on=recv("WST", "200(REGISTER)"), when=lambda e: not e.more_to_register(),
          step={"F4": "11"}, name="last identity registered"),
        T("range_init", "range_done", on=event("post_registration"), when=lambda e: e.v.next == POOL[-1],
          do="post_registration", step={"F4": "12"}),
        T("range_registering", "range_done", on=recv("WST", "403"), note=f"the range registration failed ({NOT_IN_SEED})"),
        *discard(["serving", "range_done"], "WST", ["200(REGISTER)", "403"], "late answer"),
    ]
