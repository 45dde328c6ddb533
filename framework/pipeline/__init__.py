"""The core every step runs on: component choice, output rules, the record of inputs, batches.

A step (``stats``, ``response``) holds only what is particular to it; what
all steps share lives here once.
"""
