"""The ``camchar stats`` pipeline, one module per step.

``options`` (the run's choices) -> ``choice`` (components and their options) ->
``plan`` (the file of every image) -> ``checks`` (headers, before any decode)
-> ``darks`` -> ``selection`` (loader, overexposure test, selector) -> ``stack``
-> ``estimates`` (noise model) -> ``results`` (CameraSamples) -> ``output``
(writer). :func:`camchar.stats.run.run_stats` reads like that list;
``validate`` runs the checks alone.
"""
