"""The names of the kinds of component and of the baseline tasks, where every module can read them.

They stand apart from checks/components.py's declarations so that the
baseline and the registry's own fields can name them without importing each
other (specs/protocol.md says what each kind of component has).
"""
LAYER, LOSS, INITIALIZER = "layer", "loss", "initializer"
OPTIMIZER, SCHEDULE, REGULARIZER = "optimizer", "schedule", "regularizer"
REGRESSION, BINARY, CLASSES, PROBABILITIES = "regression", "binary", "classes", "probabilities"  # on the bike data
DIGITS = "digits"  # the ten classes of the handwritten digits, images (N, 1, 8, 8)
SEQUENCES = "sequences"  # the next hour's rentals from the previous 24 hours of bike data, (N, 24, D)
HOURS = "hours"  # each hour's rentals from its hour of the day alone, an id in 0..23: x (N,) of ints
