"""imsflow: a formal state-machine model and verifier of WebRTC access to IMS.

The pipeline shows in the package layout:

    authoring/  entities written as `transitions` machines (what model/ imports)
    compiler/   entities + channels + properties -> one TransitionSystem
    system/     the TransitionSystem every back-end reads, and traces over it
    patterns/   declarative properties, their monitors and verdicts
    backends/   explicit explorer, Z3, Promela: each reads only the TransitionSystem
    render/     state charts, sequence diagrams, reports
    pipeline.py load -> compile -> check -> render -> write
    cli.py      arguments -> pipeline -> exit code
"""

__version__ = "0.1.0"
