"""Files of a run, written atomically, and the model file read back with its rules (specs/checkpoint.md).

Every write goes to a temporary file in the target's folder and then replaces
the target with os.replace, so a reader sees the old file or the new one,
never a half-written one.
"""
import json
import os
import tempfile

from reference.trainer.architecture import LAYERS, build_layers
from reference.parameters import copy, shape
from reference.trainer.task import network_input

MODEL_FORMAT = "nn-reference model 2"
STATE_FORMAT = "nn-reference checkpoint 1"
FILE_MODE = 0o644
STATE_KEYS = ("config", "epoch", "params", "optimizer", "rng", "history", "best")


class ModelError(ValueError):
    """A model or checkpoint file that breaks a rule; the message is one line naming the file and the rule."""


def write_text(path, text):
    """Write text to path atomically: a temporary file beside it, flushed to disk, then os.replace.

    The file is readable by everyone and writable by its owner (FILE_MODE), like any file a user saves.
    """
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        os.chmod(temporary, FILE_MODE)
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def remove_leftovers(folder):
    """Delete the temporary files that writes interrupted by a crash left in folder (".<name>.<random>.tmp")."""
    for name in os.listdir(folder):
        if name.startswith(".") and name.endswith(".tmp"):
            os.unlink(os.path.join(folder, name))


def write_json(path, value):
    """Write value as JSON to path atomically; floats are written exactly (repr) and read back bit for bit."""
    write_text(path, json.dumps(value, indent=1, allow_nan=False) + "\n")


def read_json(path, what):
    """The JSON value in path, or ModelError naming the file (missing, unreadable, truncated)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ModelError(f"{what} '{path}' cannot be read: {e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelError(f"{what} '{path}' is not complete JSON (truncated or corrupt?): {e}") from None


def model_record(layers, encoding, params, epoch, validation_loss):
    """The content of model.json: the layer list, the encoding of the data (specs/tabular.md), a copy of the weights."""
    return {"format": MODEL_FORMAT, "layers": layers, "data": encoding, "epoch": epoch,
            "validation_loss": validation_loss, "params": {name: copy(p) for name, p in params.items()}}


def state_record(config, epoch, params, optimizer, rng, history, best):
    """The content of checkpoint.json: everything a run needs to continue exactly where it stopped.

    The optimizer's attributes (lr, settings, its state keyed by parameter name) and the
    state of the generator that shuffles the mini-batches are saved as they are.
    """
    version, internal, gauss = rng.getstate()
    return {"format": STATE_FORMAT, "config": config, "epoch": epoch,
            "params": {name: copy(p) for name, p in params.items()}, "optimizer": vars(optimizer),
            "rng": [version, list(internal), gauss], "history": history, "best": best}


def read_state(path):
    """checkpoint.json -> its record, with "rng" ready for random.Random.setstate; or ModelError."""
    record = read_json(path, "checkpoint")
    if not isinstance(record, dict) or record.get("format") != STATE_FORMAT:
        raise ModelError(f"checkpoint '{path}' is not a checkpoint written by 'python -m reference train'")
    missing = [key for key in STATE_KEYS if key not in record]
    if missing:
        raise ModelError(f"checkpoint '{path}' has no \"{missing[0]}\"; a checkpoint needs it")
    version, internal, gauss = record["rng"]
    record["rng"] = (version, tuple(internal), gauss)
    return record


def load_model(path):
    """model.json -> (model, record), the model a Sequential holding the saved weights; or ModelError."""
    record = read_json(path, "model file")
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT:
        raise ModelError(f"model file '{path}' is not a model written by this version of 'python -m reference "
                         f"train' (its \"format\" should be \"{MODEL_FORMAT}\"); train it again")
    for key in ("layers", "data", "params"):
        if key not in record:
            raise ModelError(f"model file '{path}' has no \"{key}\"; a model file needs it")
    model = build_from(record["layers"], record["data"], path)
    set_params(model, record["params"], f"model file '{path}'")
    return model, record


def build_from(layers, encoding, path):
    """The network a model file describes, or ModelError if the description is not one the trainer writes."""
    for k, entry in enumerate(layers if isinstance(layers, list) else [None]):
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind not in LAYERS:
            raise ModelError(f"model file '{path}' describes no network this trainer builds: layer {k} is a "
                             f"{json.dumps(kind)}, not one of {', '.join(LAYERS)}")
    try:
        return build_layers(layers, network_input(encoding), None)[0]
    except (KeyError, TypeError, ValueError) as e:
        raise ModelError(f"model file '{path}' describes no network this trainer builds ({type(e).__name__}: {e}): "
                         f"layers {json.dumps(layers)[:200]}") from None


def set_params(model, params, source):
    """Copy saved params into model, after checking every name and shape against the model's own."""
    expected = {name: shape(p) for name, p in model.params.items()}
    if not isinstance(params, dict) or set(params) != set(expected):
        found = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ModelError(f"{source}: params {found} do not match the architecture, which has {sorted(expected)}")
    for name, want in expected.items():
        if not well_formed(params[name], want):
            raise ModelError(f"{source}: params['{name}'] should be {want} numbers; "
                             "the file is from another architecture or was edited")
        model.params[name] = copy(params[name])


def well_formed(value, want):
    """True when value is a parameter of numbers of shape want: a vector (M,), a matrix (D, M), a conv weight
    (F, C, KH, KW)."""
    if not isinstance(value, list) or len(value) != want[0]:
        return False
    if len(want) == 1:
        return all(is_number(v) for v in value)
    return all(well_formed(part, want[1:]) for part in value)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
