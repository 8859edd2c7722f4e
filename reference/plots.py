"""Pictures of a run as SVG text, drawn with the standard library (specs/plots.md).

loss_svg: training and validation loss per epoch, on a logarithmic axis.
weights_svg: a histogram of the weights of each Dense layer. Both are plain
SVG 1.1 that a browser shows.
"""
import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
COLORS = {"train": "#1f77b4", "validation": "#ff7f0e"}
BINS = 20
PANEL = 200  # height of one histogram


def svg(height, title, body):
    """The document around the drawing: size, title, white background, font."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">\n'
            f"<title>{escape(title)}</title>\n"
            f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")


def text(x, y, words, anchor="middle", size=12):
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">{escape(words)}</text>'


def line(x1, y1, x2, y2, color="black", dash=""):
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}"{dashes}/>'


def scale(value, low, high, out_low, out_high):
    """value in [low, high] -> its place in [out_low, out_high], linearly."""
    return out_low + (out_high - out_low) * (value - low) / ((high - low) or 1.0)


def log_ticks(low, high):
    """The values 1, 2 and 5 times a power of ten that lie in [low, high]."""
    ticks = []
    for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        ticks += [m * 10.0 ** power for m in (1, 2, 5) if low <= m * 10.0 ** power <= high]
    return ticks


def loss_svg(history, best_epoch=None):
    """history [{"epoch", "train_loss", "validation_loss"}, ...] -> SVG text of both curves against the epoch."""
    values = [r[f"{part}_loss"] for r in history for part in COLORS]
    low, high = math.log10(max(min(values), 1e-300)) - 0.05, math.log10(max(values)) + 0.05
    last = max(history[-1]["epoch"], 1)

    def at(epoch, loss):
        return (scale(epoch, 0, last, LEFT, WIDTH - RIGHT),
                scale(math.log10(max(loss, 1e-300)), low, high, HEIGHT - BOTTOM, TOP))

    body = [text(WIDTH / 2, 22, "Loss (MSE) per epoch, logarithmic scale", size=15)]
    body += loss_axes(at, last, log_ticks(10 ** low, 10 ** high))
    for k, part in enumerate(COLORS):
        points = " ".join("{:.1f},{:.1f}".format(*at(r["epoch"], r[f"{part}_loss"])) for r in history)
        body.append(f'<polyline class="{part}" points="{points}" fill="none" stroke="{COLORS[part]}" '
                    'stroke-width="2"/>')
        body += [line(WIDTH - 170, TOP + 12 + 18 * k, WIDTH - 145, TOP + 12 + 18 * k, COLORS[part]),
                 text(WIDTH - 140, TOP + 16 + 18 * k, f"{part} loss", "start")]
    if best_epoch is not None:
        x, y = at(best_epoch, next(r["validation_loss"] for r in history if r["epoch"] == best_epoch))
        body.append(f'<circle class="best" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="none" stroke="black">'
                    f"<title>the kept model: epoch {best_epoch}</title></circle>")
    return svg(HEIGHT, "Training and validation loss per epoch", body)


def loss_axes(at, last, ticks):
    """Axes, grid lines at the loss ticks and labels at up to 11 epochs."""
    x0, y0 = at(0, ticks[0] if ticks else 1.0)
    body = [line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM), line(LEFT, TOP, LEFT, HEIGHT - BOTTOM),
            text(WIDTH / 2, HEIGHT - 12, "epoch")]
    for v in ticks:
        y = at(0, v)[1]
        body += [line(LEFT, y, WIDTH - RIGHT, y, "#dddddd"), text(LEFT - 6, y + 4, f"{v:g}", "end")]
    for epoch in range(0, last + 1, max(1, math.ceil(last / 10))):
        x = at(epoch, 1.0)[0]
        body += [line(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 4), text(x, HEIGHT - BOTTOM + 18, str(epoch))]
    return body


def histogram(values, bins=BINS):
    """values -> (low, high, counts): how many values fall in each of bins equal slices of [low, high]."""
    low, high = min(values), max(values)
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / width), bins - 1)] += 1
    return low, high, counts


def weights_panel(name, matrix, top):
    """One histogram of a weight matrix, drawn in the band of height PANEL starting at top."""
    values = [w for row in matrix for w in row]
    low, high, counts = histogram(values)
    mean = math.fsum(values) / len(values)
    spread = math.sqrt(math.fsum((w - mean) ** 2 for w in values) / len(values))
    base, tallest, bar = top + PANEL - 40, max(counts), (WIDTH - LEFT - RIGHT) / BINS
    body = [f'<g class="layer" id="weights-{escape(name)}">',
            text(WIDTH / 2, top + 16, f"{name}: {len(matrix)} x {len(matrix[0])} weights, mean {mean:.3g}, "
                                      f"std {spread:.3g}", size=13)]
    for k, count in enumerate(counts):
        h = (PANEL - 70) * count / tallest
        body.append(f'<rect x="{LEFT + k * bar:.1f}" y="{base - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                    f'fill="#1f77b4"><title>{count} weights</title></rect>')
    body += [line(LEFT, base, WIDTH - RIGHT, base), text(LEFT, base + 16, f"{low:.3g}"),
             text(WIDTH - RIGHT, base + 16, f"{high:.3g}"),
             text(LEFT - 8, base - (PANEL - 70) + 4, str(tallest), "end")]
    if low < 0.0 < high:
        x = scale(0.0, low, high, LEFT, WIDTH - RIGHT)
        body += [line(x, base + 2, x, top + 24, "black", "4 3"), text(x, base + 16, "0")]
    return body + ["</g>"]


def weights_svg(params):
    """params {name: matrix or vector} -> SVG text with one histogram per weight matrix (biases are left out)."""
    matrices = [(name, p) for name, p in params.items() if p and isinstance(p[0], list)]
    body = [text(WIDTH / 2, 22, "Weights per layer", size=15)]
    for k, (name, matrix) in enumerate(matrices):
        body += weights_panel(name, matrix, 30 + k * PANEL)
    return svg(40 + PANEL * len(matrices), "Distribution of the weights of each layer", body)
