"""Learning-rate schedules: the rate for epoch t = 0, 1, 2, ... (specs/schedules.md)."""
import math


def constant(lr, epoch):
    """lr_t = lr."""
    return lr


def step_decay(lr, epoch, every=10, factor=0.5):
    """lr_t = lr * factor^floor(t / every): multiplied by factor after each block of `every` epochs."""
    return lr * factor ** (epoch // every)


def exponential(lr, epoch, gamma=0.9):
    """lr_t = lr * gamma^t."""
    return lr * gamma ** epoch


def cosine(lr, epoch, epochs, minimum=0.0):
    """lr_t = minimum + (lr - minimum) (1 + cos(pi t / epochs)) / 2 for t <= epochs, then minimum."""
    progress = min(epoch, epochs) / epochs
    return minimum + (lr - minimum) * (1.0 + math.cos(math.pi * progress)) / 2.0
