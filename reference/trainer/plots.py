"""Pictures of a run as SVG text, drawn with the standard library (specs/plots.md).

loss_svg: training and validation loss per epoch, on a logarithmic axis, with the baseline.
weights_svg: a histogram of every weight matrix and bias vector, before and after training.
confusion_svg: the confusion matrix of a classifier. All are plain SVG 1.1 that a browser shows.
"""
import math
from xml.sax.saxutils import escape

from reference.parameters import entries

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
COLORS = {"train": "#1f77b4", "validation": "#ff7f0e"}
BASELINE = "#7f7f7f"
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


def loss_svg(history, best_epoch=None, baseline=None, loss_name="MSE"):
    """history [{"epoch", "train_loss", "validation_loss"}, ...] -> SVG text of both curves against the epoch.

    baseline: the validation loss of predicting without the features, drawn as a dashed line. The scale
    is set by the epochs after the first (and the baseline): an epoch 0 above it is drawn at the top edge.
    """
    values = [r[f"{part}_loss"] for r in history[1:] or history for part in COLORS] + ([baseline] if baseline else [])
    low, high = math.log10(max(min(values), 1e-300)) - 0.05, math.log10(max(values)) + 0.05
    last = max(history[-1]["epoch"], 1)

    def at(epoch, loss):
        return (scale(epoch, 0, last, LEFT, WIDTH - RIGHT),
                scale(min(math.log10(max(loss, 1e-300)), high), low, high, HEIGHT - BOTTOM, TOP))

    body = [text(WIDTH / 2, 22, f"Loss ({loss_name}) per epoch, logarithmic scale", size=15)]
    body += loss_axes(at, last, log_ticks(10 ** low, 10 ** high), f"{loss_name} (log scale)")
    legend = [(f"{part} loss", line(0, 0, 25, 0, COLORS[part])) for part in COLORS]
    for part in COLORS:
        points = " ".join("{:.1f},{:.1f}".format(*at(r["epoch"], r[f"{part}_loss"])) for r in history)
        body.append(f'<polyline class="{part}" points="{points}" fill="none" stroke="{COLORS[part]}" '
                    'stroke-width="2"/>')
    if baseline:
        y = at(0, baseline)[1]
        body.append(f'<line class="baseline" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                    f'stroke="{BASELINE}" stroke-dasharray="6 4"/>')
        legend.append(("baseline (no features), validation", line(0, 0, 25, 0, BASELINE, "6 4")))
    if best_epoch is not None:
        x, y = at(best_epoch, next(r["validation_loss"] for r in history if r["epoch"] == best_epoch))
        body.append(f'<circle class="best" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="none" stroke="black">'
                    f"<title>the kept model: epoch {best_epoch}</title></circle>")
        legend.append(("kept model", '<circle cx="12" cy="0" r="5" fill="none" stroke="black"/>'))
    if len(history) > 1 and math.log10(history[0]["train_loss"]) > high:
        legend.append((f"epoch 0 above the scale: train {history[0]['train_loss']:.3g}", ""))
    return svg(HEIGHT, "Training and validation loss per epoch", body + legend_box(legend))


def legend_box(entries):
    """[(words, mark drawn at the origin), ...] -> a legend in the top right corner, one entry per line."""
    body = []
    for k, (words, mark) in enumerate(entries):
        y = TOP + 12 + 18 * k
        body += [f'<g class="legend" transform="translate({WIDTH - 250},{y})">{mark}</g>',
                 text(WIDTH - 220, y + 4, words, "start")]
    return body


def loss_axes(at, last, ticks, label):
    """Axes with their labels, grid lines at the loss ticks and labels at up to 11 epochs."""
    body = [line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM), line(LEFT, TOP, LEFT, HEIGHT - BOTTOM),
            text(WIDTH / 2, HEIGHT - 12, "epoch (0: before training)"),
            f'<text x="16" y="{(TOP + HEIGHT - BOTTOM) / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 16 {(TOP + HEIGHT - BOTTOM) / 2:.1f})">{escape(label)}</text>']
    for v in ticks:
        y = at(0, v)[1]
        body += [line(LEFT, y, WIDTH - RIGHT, y, "#dddddd"), text(LEFT - 6, y + 4, f"{v:g}", "end")]
    for epoch in range(0, last + 1, max(1, math.ceil(last / 10))):
        x = at(epoch, 1.0)[0]
        body += [line(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 4), text(x, HEIGHT - BOTTOM + 18, str(epoch))]
    return body


def histogram(values, low, high, bins=BINS):
    """values in [low, high] -> counts: how many values fall in each of bins equal slices of [low, high]."""
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / width), bins - 1)] += 1
    return counts


def weights_panel(name, values, before, top):
    """One histogram of a parameter after training (bars) and before (outline), in the band of height PANEL."""
    low, high = min(values + before), max(values + before)
    counts, initial = histogram(values, low, high), histogram(before, low, high)
    mean = math.fsum(values) / len(values)
    spread = math.sqrt(math.fsum((w - mean) ** 2 for w in values) / len(values))
    base, tallest, bar = top + PANEL - 40, max(counts + initial), (WIDTH - LEFT - RIGHT) / BINS
    body = [f'<g class="layer" id="weights-{escape(name)}">',
            text(WIDTH / 2, top + 16, f"{name}: {len(values)} values, mean {mean:.3g}, std {spread:.3g}", size=13)]
    for k, (count, was) in enumerate(zip(counts, initial)):
        h, h0 = (PANEL - 70) * count / tallest, (PANEL - 70) * was / tallest
        body.append(f'<rect x="{LEFT + k * bar:.1f}" y="{base - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                    f'fill="{COLORS["train"]}"><title>{count} after training</title></rect>')
        if before:
            body.append(f'<rect class="before" x="{LEFT + k * bar:.1f}" y="{base - h0:.1f}" width="{bar - 1:.1f}" '
                        f'height="{h0:.1f}" fill="none" stroke="{BASELINE}"><title>{was} before training</title></rect>')
    body += [line(LEFT, base, WIDTH - RIGHT, base), text(LEFT, base + 16, f"{low:.3g}"),
             text(WIDTH - RIGHT, base + 16, f"{high:.3g}"),
             text(LEFT - 8, base - (PANEL - 70) + 4, str(tallest), "end"), text(LEFT - 8, base + 4, "0", "end")]
    if low < 0.0 < high:
        x = scale(0.0, low, high, LEFT, WIDTH - RIGHT)
        body += [line(x, base + 2, x, top + 24, "black", "4 3"), text(x, base + 16, "0")]
    return body + ["</g>"]


def weights_svg(params, initial=None):
    """params {name: matrix or vector} -> SVG text with one histogram per parameter, weights and biases.

    initial: the same params before training, drawn as outlines behind the bars.
    """
    body = [text(WIDTH / 2, 22, "Parameters per layer: after training (bars), before (outlines)", size=15)]
    for k, (name, p) in enumerate(params.items()):
        before = entries(initial[name]) if initial else []
        body += weights_panel(name, entries(p), before, 30 + k * PANEL)
    return svg(40 + PANEL * len(params), "Distribution of the weights and biases of each layer", body)


def confusion_svg(confusion, classes):
    """confusion[i][j] = rows of class i predicted as j -> SVG text of the matrix, darker for larger counts."""
    cell = min(60, (WIDTH - 200) // len(classes))
    most = max(max(row) for row in confusion) or 1
    left, top = 160, 80
    body = [text(WIDTH / 2, 22, "Confusion matrix on the test rows", size=15),
            text(left + cell * len(classes) / 2, top - 40, "predicted class")]
    side = top + cell * len(classes) / 2
    body.append(f'<text x="20" y="{side:.1f}" text-anchor="middle" transform="rotate(-90 20 {side:.1f})">'
                "true class</text>")
    for i, name in enumerate(classes):
        body += [text(left - 8, top + cell * i + cell / 2 + 4, str(name), "end"),
                 text(left + cell * i + cell / 2, top - 10, str(name))]
        for j, count in enumerate(confusion[i]):
            shade = round(255 * (1 - 0.8 * count / most))
            body += [f'<rect class="cell" x="{left + cell * j}" y="{top + cell * i}" width="{cell}" height="{cell}" '
                     f'fill="rgb({shade},{shade},255)" stroke="white"><title>true {escape(str(name))}, predicted '
                     f'{escape(str(classes[j]))}: {count}</title></rect>',
                     text(left + cell * j + cell / 2, top + cell * i + cell / 2 + 4, str(count))]
    return svg(top + cell * len(classes) + 30, "Confusion matrix", body)


# The learned filters of a network on images: each filter W[f][c] (KH, KW) drawn as a small picture.
NEGATIVE, POSITIVE = (33, 102, 172), (178, 24, 43)  # blue for weights below 0, red above; white at 0
FILTER_GAP = 12  # pixels between two filter pictures


def shade(value, largest):
    """A weight -> an SVG color: white at 0, full blue at -largest, full red at +largest."""
    r, g, b = POSITIVE if value > 0 else NEGATIVE
    t = min(abs(value) / (largest or 1.0), 1.0)
    return f"rgb({round(255 + (r - 255) * t)},{round(255 + (g - 255) * t)},{round(255 + (b - 255) * t)})"


def filter_picture(kernel, x, y, pixel, largest):
    """One filter's weights for one input channel, kernel (KH, KW), as KH x KW squares from (x, y)."""
    cells = [f'<rect x="{x + pixel * j:.1f}" y="{y + pixel * i:.1f}" width="{pixel:.1f}" height="{pixel:.1f}" '
             f'fill="{shade(v, largest)}"><title>{v:.4g}</title></rect>'
             for i, row in enumerate(kernel) for j, v in enumerate(row)]
    outline = (f'<rect x="{x}" y="{y}" width="{pixel * len(kernel[0]):.1f}" height="{pixel * len(kernel):.1f}" '
               'fill="none" stroke="#999999"/>')
    return cells + [outline]


def filters_panel(name, W, top):
    """The filters of one conv layer, W (F, C, KH, KW): one row of pictures per input channel, one column per filter,
    on one color scale -> (SVG elements, the panel's height)."""
    filters, channels, kh, kw = len(W), len(W[0]), len(W[0][0]), len(W[0][0][0])
    pixel = max(2.0, min(24.0, (WIDTH - LEFT - RIGHT) / filters / max(kh, kw) - FILTER_GAP / max(kh, kw)))
    largest = max(abs(v) for f in W for c in f for row in c for v in row)
    step_x, step_y = pixel * kw + FILTER_GAP, pixel * kh + FILTER_GAP
    body = [f'<g class="filters" id="filters-{escape(name)}">',
            text(LEFT, top + 16, f"{name}: {filters} filters of {channels} x {kh} x {kw}; "
                                 f"color scale -{largest:.3g} (blue) .. 0 (white) .. +{largest:.3g} (red)",
                 "start", 13)]
    for f in range(filters):
        body.append(text(LEFT + f * step_x + pixel * kw / 2, top + 40, str(f), size=11))
        for c in range(channels):
            body += filter_picture(W[f][c], LEFT + f * step_x, top + 48 + c * step_y, pixel, largest)
    for c in range(channels):
        body.append(text(LEFT - 8, top + 48 + c * step_y + pixel * kh / 2 + 4, f"in {c}", "end", 11))
    return body + ["</g>"], 60 + channels * step_y


def filters_svg(weights):
    """weights {name: W (F, C, KH, KW)} of the conv layers -> SVG text: each layer's filters as a grid of pictures,
    filter f in column f, input channel c in row c."""
    body, top = [text(WIDTH / 2, 22, "Learned filters of each convolution layer", size=15)], 36
    for name, W in weights.items():
        panel, height = filters_panel(name, W, top)
        body += panel
        top += height
    return svg(round(top + 10), "Learned convolution filters", body)
