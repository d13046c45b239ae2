"""Standard procedures beside the seed's (issue 14, item 5): `digest=client` is F2 as RFC 3261
22.4 and TS 24.229 5.1.1.2 do it - the WIC answers the digest challenge itself - against the
seed's 6.X.2.2.2 step 3, where the WIC hands its cleartext password to the WST."""

from __future__ import annotations

from imsflow.cli import main
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check
from properties import breakage as b


def _run(settings, properties=None, **kw):
    return check(CheckRequest(flows=["F2"], properties=properties, settings=settings, progress=False, **kw))


def _verdicts(run):
    return {r.property: r.verdict for r in run.results}


def test_the_standard_digest_keeps_the_password_with_the_wic_and_completes_the_flow():
    run = _run({"digest": "client"})
    verdicts = _verdicts(run)
    assert verdicts["password-stays-with-owner"] is Verdict.HOLDS
    assert verdicts["flow-reachable"] is Verdict.HOLDS and verdicts["scscf-200-only-after-authentication"] is Verdict.HOLDS
    assert all(r.as_expected for r in run.results), [(r.property, r.verdict) for r in run.results if not r.as_expected]


def test_the_seed_digest_is_still_the_expected_finding():
    (r,) = _run({}, ["password-stays-with-owner"]).results
    assert r.verdict is Verdict.VIOLATED and r.as_expected


def test_a_wic_that_puts_its_password_in_the_answer_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WIC", "answer_digest",
                   lambda e: e._register(impu=e.v.impu, cred="password", response="none"))
    (r,) = _run({"digest": "client"}, ["password-stays-with-owner"]).results
    assert r.verdict is Verdict.VIOLATED and not r.as_expected


def test_diff_shows_the_editor_the_seed_choice_against_the_standard(capsys):
    code = main(["diff", "--flow", "F2", "--set", "digest=client", "--against", "digest=translator",
                 "--property", "password-stays-with-owner", "--executor", "serial"])
    out = capsys.readouterr().out
    assert code == 0
    assert "better  password-stays-with-owner on F2: violated -> holds" in out
    assert "- WIC -> WST: REGISTER(cred=password" in out and "+ WST -> WIC: 401(auth=digest" in out
