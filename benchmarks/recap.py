"""Recap (rekapitulasi): 1,000 proposals × 5 assessors (5,000 sent sheets, 105,000
scores) through assessments.recap.build_recap, as the recap page and its export use it.

    DEBUG=1 .venv/bin/python benchmarks/recap.py [n_proposals] [n_assessors]

Prints the time and the query count, and the same for 100 proposals to show the count is
flat. Also times record_decisions for every proposal (one save per decision, history)."""

import sys

from _bench import django_ready, machine, measure, seed_registry


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    django_ready()
    try:
        from assessments.recap import build_recap
    except ImportError:
        sys.exit("assessments.recap.build_recap not available yet.")
    from _data import make_scored_cycle

    from assessments.models import Proposal

    print(f"Recap benchmark on {machine()}")
    seed_registry()
    cycle, _, _ = measure(
        f"build data: {n} proposals × {k} sheets × 21 scores",
        lambda: make_scored_cycle(n_proposals=n, n_assessors=k, year=2030),
    )
    small = make_scored_cycle(n_proposals=100, n_assessors=k, year=2031)

    def recap(c):
        rows = build_recap(cycle=c, proposals=Proposal.objects.filter(cycle=c))
        # Touch what the page shows, so lazy work is counted too.
        for row in rows:
            row.total, row.passes, row.total_pct, row.has_disagreement  # noqa: B018
        return rows

    rows, _, q_small = measure("recap, 100 proposals", lambda: recap(small), repeat=3)
    rows, _, q_big = measure(f"recap, {n} proposals", lambda: recap(cycle), repeat=3)
    assert len(rows) == n
    assert all(r.sent_count == k for r in rows)
    print(f"query count flat: {q_small == q_big} ({q_small} vs {q_big})")
    passing = sum(1 for r in rows if r.passes)
    print(f"passing the default rule: {passing} of {n}")
    export_xlsx(small, "100 proposals")
    export_xlsx(cycle, f"{n} proposals")

    try:
        from django.contrib.auth import get_user_model

        from assessments.decisions import RULE, record_decisions
        from assessments.models import Meeting
    except ImportError:
        return
    import datetime

    Meeting.objects.create(cycle=cycle, held_on=datetime.date(2030, 7, 1), place="Aula")
    admin = get_user_model().objects.get(username="dpmppa")
    ids = Proposal.objects.filter(cycle=cycle).values_list("pk", flat=True)
    decisions = dict.fromkeys(ids, (RULE, ""))
    measure(
        f"record_decisions, {n} proposals (first time)",
        lambda: record_decisions(cycle=cycle, decisions=decisions, by=admin),
    )


def export_xlsx(cycle, label):
    """The recap page's xlsx export, called as the Admin DPMPPA's request would."""
    try:
        from assessments.recap_views import recap_xlsx
    except ImportError:
        return
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    admin = get_user_model().objects.get(username="dpmppa")

    def export():
        request = RequestFactory().get(f"/rekap/{cycle.pk}/xlsx")
        request.user = admin
        response = recap_xlsx(request, cycle.pk)
        assert response.status_code == 200, response.status_code
        return response.content

    data, _, _ = measure(f"recap xlsx export, {label}", export)
    print(f"  {len(data) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
