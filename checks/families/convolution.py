"""The convolution family's declarations: layers on images (N, C, H, W), with their baseline on the digits."""

DECLARED = []
