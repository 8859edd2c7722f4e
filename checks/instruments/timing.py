"""How make bench times an implementation: in turns with the others, after a warm-up, the median of the repeats."""
import gc
import statistics
import time


def timed(runs, repeats, clock=time.perf_counter):
    """runs: name -> function of no arguments. One warm-up each, then repeats rounds in turns -> name -> median s.

    What exists before the clock starts (torch's modules, the data, the implementations of earlier tables: about
    165,000 objects after the MLP table) is frozen out of the garbage collector's reach (gc.freeze), so each
    implementation pays for collecting its own objects only, as in a training run of its own. Unfrozen, the
    collector's walks over them made the reference's CNN epoch 1.5 times as long, and the plain version's 1.2 times.
    """
    gc.collect()
    gc.freeze()
    times = {name: [] for name in runs}
    for name, run in runs.items():
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            start = clock()
            run()
            times[name].append(clock() - start)
    return {name: statistics.median(values) for name, values in times.items()}
