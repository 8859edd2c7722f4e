"""The declarations of the component families beyond the course's first networks (checks/components.py gathers them).

Each module declares the Components of one family, in the order of
reference.__all__, as a list DECLARED: convolution (images, (N, C, H, W))
and recurrence (sequences, (N, T, D)).
"""
