"""summary.html: a course's Summary (summary.py) as one self-contained page.

No script, no external asset: the histogram is inline SVG (svg#histogram,
one rect.bar per bin with data-bin and data-count), the pass rates are
CSS bars, and every table has an id (statuses, checks, diagnoses, slowest),
so the page opens in any browser and a test can read it. Every name and
message is escaped: they come from students' files.
"""
from html import escape

from checks.grading.summary import BINS

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #eee;
vertical-align:top}th{background:#f6f6f6}td.n{text-align:right;white-space:nowrap}
.rate{background:#eee;width:10em;height:.9em;display:inline-block;vertical-align:middle}
.rate span{background:#3a7;height:100%;display:block}.small{color:#666;font-size:.9em}
svg text{font:12px system-ui,sans-serif;fill:#333}rect.bar{fill:#3a7}td b{white-space:nowrap}
"""
WIDTH, HEIGHT, TOP, BOTTOM = 600, 220, 20, 40


def page(summary, title):
    """The HTML text of summary.html."""
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{escape(title)}</title>",
             f"<style>{STYLE}</style>\n</head>\n<body>", f"<h1>{escape(title)}</h1>",
             f"<p>{escape(summary.headline())}</p>", "<h2>Scores</h2>", histogram(summary),
             "<h2>Statuses</h2>", statuses(summary), "<h2>Checks passed</h2>", checks(summary),
             "<h2>What the class got wrong</h2>", diagnoses(summary), "<h2>Slowest submissions</h2>",
             slowest(summary), "</body>\n</html>\n"]
    return "\n".join(parts)


def histogram(summary):
    """The score distribution as inline SVG: one bar per bin, its count above it, its range below."""
    tallest, step = max(summary.bins) or 1, WIDTH // BINS
    room = HEIGHT - TOP - BOTTOM
    out = [f'<svg id="histogram" role="img" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'xmlns="http://www.w3.org/2000/svg">',
           f"<title>Scores as a share of {summary.max_score:g} points: submissions per bin</title>"]
    for i, n in enumerate(summary.bins):
        height = round(room * n / tallest)
        x, y, label = i * step + 4, TOP + room - height, summary.bin_label(i)
        out.append(f'<rect class="bar" data-bin="{label}" data-count="{n}" x="{x}" y="{y}" width="{step - 8}" '
                   f'height="{height}"><title>{label}: {n}</title></rect>')
        out.append(f'<text x="{x + (step - 8) // 2}" y="{y - 4}" text-anchor="middle">{n}</text>')
        out.append(f'<text x="{x + (step - 8) // 2}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{label}</text>')
    out.append(f'<line x1="0" y1="{TOP + room}" x2="{WIDTH}" y2="{TOP + room}" stroke="#999"/>')
    return "\n".join(out) + "\n</svg>"


def table(identifier, header, rows):
    """An HTML table; rows hold cells already escaped (td.n for numbers: cells given as (text, "n"))."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = (f'<td class="n">{c[0]}</td>' if isinstance(c, tuple) else f"<td>{c}</td>" for c in row)
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{identifier}">\n<tr>{head}</tr>\n' + "\n".join(body) + "\n</table>"


def names(students):
    return escape(", ".join(students))


def statuses(summary):
    return table("statuses", ["status", "submissions", "students"],
                 [(escape(s), (str(len(who)), "n"), names(who)) for s, who in summary.statuses.items()])


def checks(summary):
    rows = []
    for name, (passed, of) in summary.checks.items():
        width = round(100 * passed / of) if of else 0
        rows.append((escape(name), (f"{passed} of {of}", "n"),
                     f'<span class="rate"><span style="width:{width}%"></span></span> {width}%'))
    return table("checks", ["check", "passed", "pass rate"], rows)


def diagnoses(summary):
    if not summary.diagnoses:
        return '<p id="diagnoses">No failing check carries a diagnosis.</p>'
    rows = [((str(len(students)), "n"), f"<b>{escape(label)}</b>", names(students),
             f'<span class="small">{escape(who)}: {escape(evidence)}</span>')
            for label, students, (evidence, who) in summary.diagnoses]
    return table("diagnoses", ["students", "diagnosis", "who", "for example"], rows)


def slowest(summary):
    return table("slowest", ["submission", "student", "seconds", "status"],
                 [(escape(e.name), escape(e.who), (f"{e.report.seconds:.1f}", "n"), escape(e.report.status))
                  for e in summary.slowest])
