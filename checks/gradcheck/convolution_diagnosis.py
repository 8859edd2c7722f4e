"""Diagnosis of a convolution's gradients (Conv2D, on x (N, C, H, W) with W (F, C, KH, KW)): its own mistakes.

Four hypotheses, read by checks/gradcheck/diagnosis.py before its own (two of them explain a wrong shape), through
the protocol alone. The layer's stride and padding are not read from it: they are the (stride, padding) pairs
under which the reference computation of y from x, W and b gives the layer's own y; the wrong dx a mistake
would give is then computed from x, W and dy, with no call to the layer (a graded layer may sit in another process).

- flipped-kernel  dW equals the numeric gradient with both kernel axes reversed, or dx is the spec's dx with the
                  kernel flipped while y is the spec's y without (or the reverse): forward and backward disagree
                  on the flip (a convolution in one, a cross-correlation in the other);
- stride-ignored  dx is col2im of the windows' gradients dy W placed at (i, j) instead of (i sh, j sw): backward
                  slides the windows by one pixel where forward slid them by the stride;
- padding-kept    dx has the shape (N, C, H + 2 ph, W + 2 pw) of the padded input: the gradient of the padding
                  zeros was not cut off;
- axes-swapped    dW has shape (C, F, KH, KW), or (C = F) equals the numeric gradient with those two axes
                  swapped: the filter and the channel axes are exchanged.
"""
from checks import nested
from checks.gradcheck.evidence import all_fit, count, fits, reread
from reference.tensor import col2im, dot_rows, im2col, output_size, transpose

MOST = 4  # strides and paddings up to this size are tried when the layer's own are looked for


def convolution(subject):
    """(x, W, b) of a convolution's subject, or None: x rank 4 and a parameter W of rank 4 (F, C, KH, KW)."""
    params, x = getattr(getattr(subject, "layer", None), "params", {}), getattr(subject, "x", None)
    w = params.get("W")
    shapes = nested.shape(x), nested.shape(w)
    if None in shapes or len(shapes[0]) != 4 or len(shapes[1]) != 4 or shapes[0][1] != shapes[1][1]:
        return None
    return x, w, params.get("b")


def flipped(w):
    """Every filter plane of W (F, C, KH, KW) turned by 180 degrees: W[f][c][KH-1-a][KW-1-e]."""
    return [[[list(reversed(row)) for row in reversed(plane)] for plane in filt] for filt in w]


def flipped_kernel(block, subject):
    found = convolution(subject)
    if not found or block.problem or block.name not in ("dx", "dW"):
        return None
    x, w, b = found
    if block.name == "dW":
        turned = flipped(block.given)
        if not all_fit(block.entries, [nested.read(turned, e.index) for e in block.entries]):
            return None
    elif not any(matches(block, spec_dx(x, backward, subject.dy, stride, padding))
                 for forward, backward in ((w, flipped(w)), (flipped(w), w))
                 for stride, padding in geometries(x, forward, b, subject.y)):
        return None
    return "flipped-kernel", (
        f"{block.name} is the gradient of the layer with its kernel flipped (W[f][c][KH-1-a][KW-1-e]) in "
        f"{count(block.entries)}: forward and backward disagree on the flip; Conv2D is a cross-correlation, the "
        f"filter is read as it is in both; {reread(subject, 'Conventions')}")


def matches(block, candidate):
    """Whether every analytic entry of the block is the candidate's number at its index (both computed exactly)."""
    return all(close_to(e.analytic, nested.read(candidate, e.index)) for e in block.entries)


def geometries(x, w, b, y):
    """The (stride, padding) pairs under which the reference's y of x, W and b is the layer's y."""
    (_, _, h, wd), (_, _, kh, kw) = nested.shape(x), nested.shape(w)
    if nested.shape(y) is None or len(nested.shape(y)) != 4:
        return []
    rows, cols = nested.shape(y)[2:]
    pairs = [(s, p) for s in range(1, MOST + 1) for p in range(MOST)]
    found = []
    for sh, ph in [(s, p) for s, p in pairs if output_size(h, kh, s, p) == rows]:
        for sw, pw in [(s, p) for s, p in pairs if output_size(wd, kw, s, p) == cols]:
            stride, padding = (sh, sw), (ph, pw)
            if close(reference_output(x, w, b, stride, padding), y):
                found.append((stride, padding))
    return found


def reference_output(x, w, b, stride, padding):
    """The spec's y, flattened as (F, N H' W'): filters . windows + b."""
    kernel = tuple(nested.shape(w)[2:])
    windows = [row for image in x for row in im2col(image, kernel, stride, padding)]
    return [[v + b_f for v in row] for row, b_f in zip(dot_rows([nested.flatten(f) for f in w], windows), b)]


def close(spec_rows, y):
    """Whether y (N, F, H', W') holds the numbers of spec_rows (F, N H' W')."""
    given = [[v for image in y for v in nested.flatten(image[f])] for f in range(len(spec_rows))]
    return all(close_to(u, v) for r, g in zip(spec_rows, given) for u, v in zip(g, r))


def close_to(u, v):
    """Two computations of one number: equal but for rounding."""
    return abs(u - v) <= 1e-9 * (1.0 + abs(v))


def window_gradients(x, w, dy):
    """dL/dwindow for each image: (N, H' W', C KH KW), row p of image n = sum_f dy[n][f][p] W_f."""
    dy_rows = transpose([[v for image in dy for v in nested.flatten(image[f])] for f in range(len(w))])
    d_windows = dot_rows(dy_rows, transpose([nested.flatten(f) for f in w]))
    size = len(d_windows) // len(x)
    return [d_windows[n * size:(n + 1) * size] for n in range(len(x))]


def spec_dx(x, w, dy, stride, padding):
    """The spec's dx for this x, W and dy (N, C, H, W)."""
    kernel = tuple(nested.shape(w)[2:])
    return [col2im(rows, nested.shape(x)[1:], kernel, stride, padding) for rows in window_gradients(x, w, dy)]


def one_apart(x, w, dy, padding):
    """dx with window (i, j)'s gradient added back at (i, j) of the padded image, not at (i sh, j sw)."""
    (_, c, h, wd), (_, _, kh, kw), cols = nested.shape(x), nested.shape(w), len(dy[0][0][0])
    (ph, pw), dx = padding, []
    for rows in window_gradients(x, w, dy):
        planes = [[[0.0] * (wd + 2 * pw) for _ in range(h + 2 * ph)] for _ in range(c)]
        for p, row in enumerate(rows):
            i, j = divmod(p, cols)
            for k, g in enumerate(row):
                channel, rest = divmod(k, kh * kw)
                a, e = divmod(rest, kw)
                if i + a < h + 2 * ph and j + e < wd + 2 * pw:
                    planes[channel][i + a][j + e] += g
        dx.append([[line[pw:pw + wd] for line in plane[ph:ph + h]] for plane in planes])
    return dx


def stride_ignored(block, subject):
    found = convolution(subject)
    if not found or block.name != "dx" or block.problem:
        return None
    x, w, b = found
    for stride, padding in geometries(x, w, b, subject.y):
        if stride != (1, 1) and matches(block, one_apart(x, w, subject.dy, padding)):
            return "stride-ignored", (
                f"dx equals the windows' gradients dy W added back one pixel apart, at (i, j), in "
                f"{count(block.entries)}, but forward slid the windows by the stride {stride}: in backward too, "
                f"window (i, j) sits at (i sh, j sw); {reread(subject)}")
    return None


def padding_kept(block, subject):
    found = convolution(subject)
    if not found or block.name != "dx" or not block.problem.startswith("shape"):
        return None
    n, c, h, w = nested.shape(found[0])
    given = nested.shape(block.given)
    if given is None or len(given) != 4 or given[:2] != (n, c) or given[2] < h or given[3] < w or given[2:] == (h, w):
        return None
    ph, pw = (given[2] - h) // 2, (given[3] - w) // 2
    if (h + 2 * ph, w + 2 * pw) != given[2:]:
        return None
    inner = [nested.read(block.given, (i, k, a + ph, e + pw)) for i, k, a, e in (v.index for v in block.expected)]
    values = "; cut to x's shape, its values are right" if all_fit(block.expected, inner) else ""
    return "padding-kept", (
        f"dx has shape {given}, the shape of the padded input (N, C, H + 2 ph, W + 2 pw) with padding ({ph}, {pw}), "
        f"but it must have the shape {(n, c, h, w)} of x{values}: cut the padding off dx, its zeros were constants; "
        f"{reread(subject)}")


def axes_swapped(block, subject):
    found = convolution(subject)
    if not found or block.name != "dW":
        return None
    f, c, kh, kw = nested.shape(found[1])
    given = nested.shape(block.given)
    if given != (c, f, kh, kw) or (f == c and not block.entries):
        return None
    entries = block.expected if block.problem else block.entries
    if not entries or not all(fits(e, nested.read(block.given, (e.index[1], e.index[0]) + e.index[2:]))
                              for e in entries):
        return None
    how = f"has shape {given}, (C, F, KH, KW), and its values" if block.problem else "is (F, C, KH, KW) but its values"
    return "axes-swapped", (
        f"dW {how} are the numeric gradient with the filter and channel axes swapped, in {count(entries)}: "
        f"dW[f][c] belongs to filter f and input channel c, in that order (F, C, KH, KW); {reread(subject)}")


HYPOTHESES = [padding_kept, axes_swapped, stride_ignored, flipped_kernel]
