"""The training application: `python -m reference train` (reference/__main__.py), its config, data,
checkpoints, plots, predictions, metrics and report. It builds networks from the components of reference/."""
