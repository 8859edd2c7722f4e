"""Invariants of Conv2D (specs/conv2d.md), on top of every layer's rules.

Every layer's rules run on the declared layer (C = 2 input channels, F = 3 filters, a 3 x 3 kernel, stride 2 and
padding 1). The rules below build their own layers, implementation(C, F, kernel_size, stride, padding), with the
sizes drawn: kernels, strides and paddings given as pairs whose two entries often differ, so that a height read
as a width shows.
"""
from hypothesis import given
from hypothesis import strategies as st

from checks import nested
from checks.properties import require, require_close
from checks.properties.layers import EVERY_LAYER, WITH_PARAMS
from checks.strategies import seeded_tensors, sizes, values, vectors


@st.composite
def configurations(draw, stride=None, padding=None):
    """((C, F, kernel, stride, padding), x): a layer's arguments, pairs (height, width), and a batch x (N, C, H, W)
    that every window fits in (H + 2 ph >= KH); N <= 3, C <= 2, F <= 3, kernel and image sides small."""
    c, f = draw(sizes(1, 2)), draw(sizes(1, 3))
    kernel = (draw(sizes(1, 3)), draw(sizes(1, 3)))
    strides = stride or (draw(sizes(1, 2)), draw(sizes(1, 2)))
    pads = padding or (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    h, w = (draw(sizes(max(1, k - 2 * p), 5)) for k, p in zip(kernel, pads))
    return (c, f, kernel, strides, pads), draw(seeded_tensors((draw(sizes(1, 3)), c, h, w)))


def built(subject, arguments, b=None):
    """implementation(C, F, kernel, stride, padding), with b set when given."""
    layer = subject.implementation(*arguments)
    if b is not None:
        layer.params["b"][:] = b
    return layer


def expected_size(size, k, s, p):
    return (size + 2 * p - k) // s + 1


def output_shape_follows_the_formula(subject):
    """y has shape (N, F, H', W') with H' = (H + 2 ph - KH) // sh + 1 and W' = (W + 2 pw - KW) // sw + 1."""

    @given(configurations())
    def holds(drawn):
        (c, f, kernel, stride, padding), x = drawn
        n, _, h, w = nested.shape(x)
        want = (n, f) + tuple(expected_size(*v) for v in zip((h, w), kernel, stride, padding))
        found = nested.shape(built(subject, (c, f, kernel, stride, padding)).forward(x))
        require(found == want, f"Conv2D({c}, {f}, {kernel}, stride={stride}, padding={padding}) on x of shape "
                               f"{(n, c, h, w)} gave y of shape {found}, but (H + 2 ph - KH) // sh + 1 and "
                               f"(W + 2 pw - KW) // sw + 1 give {want}")

    holds()


def pixel(x, n, c, h, w):
    """x[n][c][h][w], or 0.0 in the zero padding (outside the image)."""
    image = x[n][c]
    return image[h][w] if 0 <= h < len(image) and 0 <= w < len(image[0]) else 0.0


def a_one_hot_filter_picks_one_pixel(subject):
    """With W one-hot at [f][c][a][e] and b = 0, y[n][f][i][j] is the padded pixel xp[n][c][i sh + a][j sw + e] (no
    kernel flip), and every other filter's output is 0."""

    @given(configurations(), st.data())
    def holds(drawn, data):
        (c, f, (kh, kw), (sh, sw), (ph, pw)), x = drawn
        layer = built(subject, (c, f, (kh, kw), (sh, sw), (ph, pw)), [0.0] * f)
        at = tuple(data.draw(st.integers(0, size - 1)) for size in (f, c, kh, kw))
        nested.fill(layer.params["W"], lambda: 0.0)
        nested.write(layer.params["W"], at, 1.0)
        y = layer.forward(x)
        g, k, a, e = at
        for n, i, j in ((n, i, j) for n in range(len(x)) for i in range(len(y[0][0])) for j in range(len(y[0][0][0]))):
            want = pixel(x, n, k, i * sh + a - ph, j * sw + e - pw)
            flipped = pixel(x, n, k, i * sh + kh - 1 - a - ph, j * sw + kw - 1 - e - pw)
            hint = (" (that is the pixel under the flipped kernel: Conv2D is a cross-correlation, no kernel flip)"
                    if y[n][g][i][j] == flipped != want else "")
            require(y[n][g][i][j] == want,
                    f"with W one-hot at {nested.where(at)} (stride {(sh, sw)}, padding {(ph, pw)}), y[{n}][{g}][{i}][{j}] "
                    f"should be the padded pixel xp[{n}][{k}][{i * sh + a}][{j * sw + e}] = {want!r}, got "
                    f"{y[n][g][i][j]!r}{hint}")
            others = [y[n][o][i][j] for o in range(f) if o != g]
            require(all(v == 0.0 for v in others), f"with W one-hot at {nested.where(at)} and b = 0, every filter but "
                                                    f"{g} is zero, so its output must be 0; got {others!r} at [{i}][{j}]")

    holds()


def shifting_the_input_shifts_the_output(subject):
    """Moving the image by one stride (sh rows or sw columns) moves y by one row or column, away from the borders:
    the same filters are applied at every position (padding 0)."""

    @given(configurations(padding=(0, 0)), st.sampled_from([2, 3]))
    def holds(drawn, axis):
        (c, f, kernel, stride, padding), x = drawn
        layer = built(subject, (c, f, kernel, stride, padding))
        s = stride[axis - 2]
        if nested.shape(x)[axis] - s < kernel[axis - 2]:
            return  # no window fits in the moved image
        cut = (lambda t, lo, hi: [[[r[lo:hi] for r in p] for p in m] for m in t]) if axis == 3 else \
            (lambda t, lo, hi: [[p[lo:hi] for p in m] for m in t])
        size = nested.shape(x)[axis]
        y, moved = layer.forward(cut(x, 0, size - s)), layer.forward(cut(x, s, size))
        last = nested.shape(y)[axis]
        require_close(cut(moved, 0, last - 1), cut(y, 1, last),
                      f"after moving the image by one stride ({s} {'columns' if axis == 3 else 'rows'}), y should move "
                      f"by one {'column' if axis == 3 else 'row'}: the same filter at every position; y", 1e-12)

    holds()


def a_1x1_kernel_is_a_dense_over_channels(subject):
    """With a 1 x 1 kernel, stride 1 and no padding, y[n][f][h][w] = sum_c W[f][c][0][0] x[n][c][h][w] + b[f]: a Dense
    layer applied to the C channels of each pixel."""

    @given(configurations(stride=(1, 1), padding=(0, 0)), st.data())
    def holds(drawn, data):
        (c, f, _, stride, padding), x = drawn
        layer = built(subject, (c, f, 1, stride, padding), data.draw(vectors(f, values(-3.0, 3.0))))
        weights, b = [[w[0][0] for w in filt] for filt in layer.params["W"]], layer.params["b"]
        n, _, h, w = nested.shape(x)
        want = [[[[sum(weights[g][k] * x[m][k][i][j] for k in range(c)) + b[g] for j in range(w)] for i in range(h)]
                 for g in range(f)] for m in range(n)]
        require_close(layer.forward(x), want, f"Conv2D({c}, {f}, 1) is a Dense layer over the channels of each pixel, "
                                              "y[n][f][h][w] = sum_c W[f][c][0][0] x[n][c][h][w] + b[f]; y", 1e-9)

    holds()


PROPERTIES = [*EVERY_LAYER, *WITH_PARAMS, output_shape_follows_the_formula, a_one_hot_filter_picks_one_pixel,
              shifting_the_input_shifts_the_output, a_1x1_kernel_is_a_dense_over_channels]
