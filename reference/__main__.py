"""python -m reference train | predict: train a network from a JSON config, or predict with a saved one.

specs/training.md and specs/predict.md describe both commands. Errors are one
line on stderr that names the rule: exit 2 for the command line and the
config (nothing has run), 1 for data, model files and failed runs.
"""
import argparse
import csv
import os
import sys
import time

from reference.trainer import training
from reference.trainer.bike_sharing import DataError
from reference.trainer.checkpoint import ModelError
from reference.trainer.config import load, resolve
from reference.trainer.config_rules import ConfigError
from reference.trainer.predict import predict
from reference.trainer.sanity import SanityError
from reference.trainer.training import TrainingError


class UsageError(Exception):
    """A command line that breaks a rule."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parser():
    p = Parser(prog="python -m reference", description="Train a network on the bike data or a CSV of your own, or predict with one.")
    commands = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    train = commands.add_parser("train", help="train from a JSON config (default: the 5-8-1 ReLU network)")
    train.add_argument("--config", metavar="FILE", help="a JSON config; keys left out take their defaults")
    train.add_argument("--out", metavar="DIR", help="the run's folder (default: runs/<date>-<time>)")
    train.add_argument("--resume", metavar="DIR", help="continue the run saved in DIR")
    predict = commands.add_parser("predict", help="print a saved model's predictions for the rows of a CSV file")
    predict.add_argument("--model", metavar="FILE", required=True, help="a model.json written by train")
    predict.add_argument("--csv", metavar="FILE", required=True, help="a CSV file with the model's feature columns (other columns are copied to the output)")
    return p


def new_folder():
    """runs/<date>-<time>, with a counter if that folder exists already."""
    base = os.path.join("runs", time.strftime("%Y%m%d-%H%M%S"))
    folder, k = base, 1
    while os.path.exists(folder):
        k += 1
        folder = f"{base}-{k}"
    return folder


def train_command(args):
    """train: a new run from a config (or the default), or --resume of a saved one."""
    if args.resume and args.out:
        raise UsageError("give --resume DIR or --out DIR, not both: a resumed run writes into its own folder")
    if args.resume:
        if not os.path.isfile(os.path.join(args.resume, "checkpoint.json")):
            raise UsageError(f"--resume {args.resume}: no checkpoint.json there; start a new run instead")
        config = load(args.config) if args.config else load(os.path.join(args.resume, "config.json"))
        folder = args.resume
    else:
        config = load(args.config) if args.config else resolve({})
        folder = args.out or new_folder()
        if os.path.exists(os.path.join(folder, "checkpoint.json")):
            raise UsageError(f"--out {folder} holds a run already; continue it with --resume {folder}, "
                             "or choose another folder")
        if os.path.exists(folder) and (not os.path.isdir(folder) or os.listdir(folder)):
            raise UsageError(f"--out {folder} exists and is not a run folder; a run writes only into a new or "
                             "empty folder, so that no file of yours is overwritten: choose another folder")
    try:
        training.train(config, folder, resuming=bool(args.resume), log=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print(f"python -m reference: interrupted; the last finished epoch is saved, continue with --resume {folder}",
              file=sys.stderr)
        return 130
    return 0


def to_stderr(message):
    print(message, file=sys.stderr, flush=True)


def predict_command(args):
    """predict: the CSV's columns and rows, each row followed by its prediction (and probability, for classes)."""
    header, rows, target, predictions = predict(args.model, args.csv, to_stderr)
    out = csv.writer(sys.stdout, lineterminator="\n")
    if "classes" in target:
        out.writerow(header + [f"predicted_{target['name']}", "probability"])
        out.writerows(row + [label, f"{p:.4f}"] for row, (label, p) in zip(rows, predictions))
    else:
        out.writerow(header + [f"predicted_{target['name']}"])
        out.writerows(row + ["" if p is None else f"{p:.6g}"] for row, p in zip(rows, predictions))
    return 0


def main(argv=None):
    try:
        args = parser().parse_args(argv)
        return train_command(args) if args.command == "train" else predict_command(args)
    except (UsageError, ConfigError) as e:
        print(f"python -m reference: {e}", file=sys.stderr)
        return 2
    except (DataError, ModelError, SanityError, TrainingError, ValueError, OSError) as e:
        print(f"python -m reference: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
