"""The pluggy markers for the project name ``camchar``.

Plugin authors decorate their hook implementations with :data:`hookimpl`
(re-exported as ``camchar.hookimpl``); the host declares its hooks with
:data:`hookspec`.
"""

import pluggy

PROJECT_NAME = "camchar"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
