"""A simulated camera photographing a monochromator sweep, with the ground truth written beside the images."""
