"""Long PDFs (WeasyPrint): the decree with a 900-row lampiran and a 300-page certificate
batch, rendered as the background worker renders them (one document each).

    DEBUG=1 .venv/bin/python benchmarks/pdfs.py [decree_rows] [certificate_pages]

Prints render time, page count and size. Each document is written to /tmp/bench-*.pdf
so it can be opened and looked at."""

import io
import sys

from _bench import django_ready, machine, measure, seed_registry


def pages(data):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def report(label, data, path):
    with open(path, "wb") as f:
        f.write(data)
    print(f"  {label}: {pages(data)} pages, {len(data) / 1024:.0f} KiB -> {path}")


def main():
    decree_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 900
    certificate_pages = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    django_ready()
    try:
        from awards.certificates import awards_for_certificates, render_certificate_pdf
        from awards.issuing import decree_lampiran
        from awards.pdf import render_decree_pdf
    except ImportError as exc:
        sys.exit(f"PDF renderers not available yet: {exc}")
    from _data import make_awarded_cycle

    from awards.models import Award

    print(f"PDF benchmark on {machine()}")
    seed_registry()
    cycle, decree = make_awarded_cycle(n_awards=decree_rows, year=2031)

    # WeasyPrint loads fonts and CSS the first time: time a warm-up separately.
    def draft():
        return render_decree_pdf(decree, lampiran=decree_lampiran(decree))

    measure("decree, first render in the process (cold)", draft)

    data, _, _ = measure(f"decree, draft, lampiran {decree_rows} rows", draft)
    report("draft decree", data, "/tmp/bench-decree-draft.pdf")
    data, _, _ = measure(
        f"decree, final (PDF/A), lampiran {decree_rows} rows",
        lambda: render_decree_pdf(decree, lampiran=decree_lampiran(decree), final=True),
    )
    report("final decree", data, "/tmp/bench-decree-final.pdf")

    awards = list(awards_for_certificates(Award.objects.filter(cycle=cycle))[:certificate_pages])
    data, _, _ = measure(
        f"certificates, one batch of {len(awards)} pages",
        lambda: render_certificate_pdf(awards, decree=decree, title="Benchmark"),
    )
    report("certificate batch", data, "/tmp/bench-piagam.pdf")
    try:
        from awards.certificates import store_first_certificates
    except ImportError:
        return
    measure(
        f"split the batch into {len(awards)} stored per-RT files",
        lambda: store_first_certificates(awards, data),
    )
    one = awards[:1]
    measure("one certificate (one page)", lambda: render_certificate_pdf(one, decree=decree))


if __name__ == "__main__":
    main()
