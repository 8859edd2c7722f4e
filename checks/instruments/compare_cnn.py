"""make compare-torch, the digits CNN: the default digits network trained side by side in reference and in PyTorch.

Conv2D(1, 8, 3, padding 1), ReLU, MaxPool2D(2), Flatten, Dense(128, 10) (checks/instruments/cnn.py) start from the
same weights in both, see the same shuffled batches of 32 images of the digits' training part (the stratified
80%, specs/digits.md) and take the same gradient-descent steps (softmax cross-entropy, lr 0.1); PyTorch computes in
float64. Before every step the gradients of all 1,370 parameters are compared entry by entry; a difference above
1e-9 fails the run (exit 1), naming the epoch, the step, the parameter and the entry.
"""
from checks.instruments import cnn
from checks.nested import flatten
from reference.trainer.digits import load, stratified_split

EPOCHS = 1
LAYOUT = ("0.W is Conv2d's weight as it is, (F, C, KH, KW); 4.W is the transpose of the Linear layer's weight, and "
          "the Flatten before it reads (C, H, W) row by row in both")


def run(epochs, rows, out):
    """Compare the reference's and PyTorch's CNN for epochs on the first rows training images (all: None) -> exit
    code."""
    import torch
    from checks.instruments.compare_torch import compare, table, verdict  # which runs this module's run
    (x, t), _ = stratified_split(*load())
    x, t = (x[:rows], t[:rows]) if rows else (x, t)
    weights = cnn.initial_weights()
    ours, theirs = cnn.Reference(weights), cnn.Torch(weights)
    parameters = len(flatten(weights))
    out(f"The digits CNN in reference and in PyTorch {torch.__version__} (float64), from the same initial weights: "
        f"{epochs} epoch(s) of {len(x)} training images, the same shuffled batches of {cnn.BATCH}, softmax "
        f"cross-entropy, gradient descent with lr {cnn.LR:g}. The gradients of all {parameters} parameters are "
        "compared at every step.")
    out("")
    epoch_rows, largest, first = compare(ours, theirs, x, t, epochs, cnn.BATCH, names=cnn.NAMES)
    for line in table(epoch_rows):
        out(line)
    out("")
    lines, code = verdict(largest, first, epochs * -(-len(x) // cnn.BATCH), parameters, layout=LAYOUT)
    for line in lines:
        out(line)
    return code

