"""The nine flows of the seed as scenarios: what each needs before its step 1 (see scenario.py),
how to recognise that it ran to its end, and its step labels in the seed's order.  The steps
themselves are not listed here as a script: they emerge from the entities, whose transitions
carry the seed's step numbers."""

from imsflow.authoring import Flow

FLOWS = {
    "F1": Flow(
        "F1", "Registration of WIC using UICC based authentication (IMS AKA)", "6.X.2.2.1",
        goal={"entity": "WIC", "receives": "200(REGISTER)"},
        steps=("1", "2", "3", "4-8", "9", "10", "11-14", "15"),
    ),
    "F2": Flow(
        "F2", "Registration of WIC using IMS digest based authentication", "6.X.2.2.2",
        goal={"entity": "WIC", "receives": "200(REGISTER)"},
        steps=("1", "2", "3", "4-8", "9-12", "15"),
    ),
    "F3": Flow(
        "F3", "Registration of WIC using web based authentication (trusted node)", "6.X.2.2.3",
        goal={"entity": "WIC", "receives": "200(REGISTER)"},
        steps=("1", "2-3", "4", "5", "6", "7-10", "15"),
    ),
    "F4": Flow(
        "F4", "Registration of a wildcard IMPU range", "6.X.2.2.4",
        goal={"entity": "CSS", "event": "post_registration"},
        steps=("0", "1", "2-6", "7-10", "11", "12"),
        restart_after=("11",),  # NOTE: "steps 1-11 are repeated" for each identity of the block
    ),
    "F5": Flow(
        "F5", "Registration of WIC to the wildcard IMPU range", "6.X.2.2.5",
        goal={"entity": "WIC", "receives": "200(REGISTER)"},
        steps=("1", "2-3", "4", "5", "6", "7"),
    ),
    "F6": Flow(
        "F6", "Outbound session, media interworking inside IMS", "6.X.2.3.1",
        goal={"entity": "WIC", "receives": "200(INVITE)"},
        steps=("1", "2", "3", "4-6", "7-9", "10", "11-14", "15", "16", "17-19", "20"),
        optional_steps=("11-14",), fixes={"iwf": "internal"},
    ),
    "F7": Flow(
        "F7", "Inbound session, media interworking inside IMS", "6.X.2.3.2",
        goal={"entity": "REMOTE", "receives": "200(INVITE)"},
        steps=("1-4", "5", "6", "7-8", "9-12", "13", "14-17", "18-23"),
        optional_steps=("14-17",), fixes={"iwf": "internal"},
    ),
    "F8": Flow(
        "F8", "Outbound session, external media interworking function", "6.X.2.3.3",
        goal={"entity": "WIC", "receives": "200(INVITE)"},
        steps=("1", "2-3", "4", "5-7", "8-9", "10", "11", "12-15", "16-19", "20", "21"),
        optional_steps=("12-15",), fixes={"iwf": "external"},
    ),
    "F9": Flow(
        "F9", "Inbound session, external media interworking function", "6.X.2.3.4",
        goal={"entity": "REMOTE", "receives": "200(INVITE)"},
        steps=("1-4", "5", "6", "7-8", "9-10", "11-12", "13", "14", "15-18", "19", "20", "21-24"),
        optional_steps=("15-18",), fixes={"iwf": "external"},
    ),
}
