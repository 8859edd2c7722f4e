"""Grading: a submitted layer or loss, run isolated in a child process, scored by the checks in the grader.

    python -m checks grade FILE [--component NAME] [--format text|json|gradescope|junit] [--out PATH]
    python -m checks grade-all DIR [--jobs N] [--out DIR]
    python -m checks gradescope-bundle --component NAME --out autograder.zip
    python -m checks template NAME
    python -m checks grade FILE --step N, python -m checks template --step N   (the course: steps.py)

The verdict is computed where the submission cannot reach it: the submission
runs in runner.py, a child process (process.py) that only answers calls with
plain JSON numbers; the grader holds proxies that follow the protocol
(remote.py) and runs the project's own checks on them (checklist.py), scores
them with a rubric (rubric.py), and writes the report (report.py, formats.py).
specs/grading.md describes the rubric, the isolation and the limits.
"""

GRADABLE = ("neuron", "dense", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "sequential", "mse",
            "binary_cross_entropy", "softmax_cross_entropy", "sgd", "momentum", "adam",
            "dropout", "batch_norm", "layer_norm")  # the components a submission may implement
IN_PROCESS_ONLY = ("dropout", "batch_norm")  # graded with isolated=False: the child's proxy does not carry a layer's
#                                            mode, generator and running statistics (specs/protocol.md, "Modes")
NETWORKS = ("sequential",)  # components built from layers: the child builds those from the grader's library
