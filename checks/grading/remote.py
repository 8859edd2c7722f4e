"""The submission loaded in the child, as the grader sees it: its classes, and factories that build its objects.

Remote(child) loads the file; remote.implementation(class_name, kind) is a
factory that is called like the class (positionally) and builds objects in
the child, returning their proxies: RemoteLayer and RemoteLoss
(checks/grading/proxies.py), RemoteOptimizer (checks/grading/optimizer_proxy.py).
An exception in the submission is raised here under its own type name
(SubmissionError).

Layers given to a constructor (a network's layers) cross as descriptions,
{"layer", "args", "params"}: the child builds them from the grader's library
of layers (checks/grading/samples.py) with exactly these params.
"""
from checks import nested
from checks.grading import wire
from checks.grading.optimizer_proxy import RemoteOptimizer
from checks.grading.process import Raised
from checks.grading.proxies import RemoteLayer, RemoteLoss, RemoteObject

_ERRORS = {}


class SubmissionError(Exception):
    """An exception raised by the submission in the child; the subclass carries the submission's type name."""

    line = None


def raised(error):
    """A Raised from the child as an exception whose class has the submission's type name."""
    name = error.type_name if error.type_name.isidentifier() else "Exception"
    cls = _ERRORS.get(name) or _ERRORS.setdefault(name, type(name, (SubmissionError,), {"__module__": "submission"}))
    e = cls(error.text)
    e.line, e.refused = error.line, error.refused
    return e


class Remote:
    """The submission loaded in a child: load it, build its objects, call their methods."""

    def __init__(self, child):
        self.child = child
        self.not_implemented = []  # the methods that raised NotImplementedError, in order
        self.not_implemented_raised = 0  # how many calls raised NotImplementedError so far

    def load(self, path):
        """Import the file in the child; -> (names of its classes, those it defines itself). Raises on an error."""
        library = {"library": self.child.library} if self.child.library else {}
        value = self.request("load", "importing the file", timeout=self.child.limits.load, file=path, **library)
        try:
            names = [wire.field(value, key, list, "the answer to load") for key in ("classes", "defined")]
        except wire.ProtocolError as e:
            raise self.broken(e)
        return tuple(wire.safe_list(found, cap=1000, limit=100) for found in names)

    def broken(self, error):
        """The child answered outside the wire format: it is gone, as crashed."""
        return self.child.fail("crashed", f"the submission broke the grader's channel: {error}")

    def implementation(self, class_name, kind):
        return Implementation(self, class_name, kind)

    def request(self, op, what, timeout=None, **fields):
        try:
            return self.child.request(op, what, timeout, **fields)
        except Raised as error:
            if error.type_name == "NotImplementedError":
                self.not_implemented_raised += 1
                if what not in self.not_implemented:
                    self.not_implemented.append(what)
            raise raised(error) from None


class Implementation:
    """Called like the submitted class, positionally: builds an instance in the child and returns its proxy."""

    def __init__(self, remote, class_name, kind):
        self.remote, self.__name__, self.kind = remote, class_name, kind

    def __call__(self, *args):
        sent = [described(a) for a in args]
        value = self.remote.request("construct", "the constructor", **{"class": self.__name__, "args": sent})
        try:
            handle = wire.field(value, "handle", int, "the answer to construct")
            if self.kind == "optimizer":
                return RemoteOptimizer(self.remote, handle, self.__name__, args[0] if args else None)
            proxy = (RemoteLoss if self.kind == "loss" else RemoteLayer)(self.remote, handle, self.__name__)
            proxy.refresh(value)
        except wire.ProtocolError as e:
            raise self.remote.broken(e)
        return proxy


LAYER_ARGUMENTS = {  # the positional constructor arguments of a library layer, read off a layer of the grader
    "Dense": lambda layer: [len(layer.params["W"]), len(layer.params["W"][0])],
    "LeakyReLU": lambda layer: [layer.alpha],
}


def described(value):
    """A constructor argument as it crosses to the child: a layer becomes {"layer", "args", "params"}."""
    if isinstance(value, list):
        return [described(v) for v in value]
    if isinstance(value, (RemoteObject, RemoteOptimizer)):
        raise TypeError(f"a submitted {value._class} cannot be given to a constructor: the child builds a "
                        "network's layers from the grader's library")
    if hasattr(value, "params") and hasattr(value, "forward"):
        name = type(value).__name__
        arguments = LAYER_ARGUMENTS.get(name, lambda layer: [])(value)
        return {"layer": name, "args": arguments, "params": {n: nested.copy(p) for n, p in value.params.items()}}
    return value


