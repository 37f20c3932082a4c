"""Navigation by role: which work pages the current viewer is offered in the page header.

It lives in the portal (the top layer) because it asks the intelligence apps' selectors whether
their pages apply; each page still checks permission itself.
"""

from __future__ import annotations

from django.http import HttpRequest

from jieli.core.viewer import request_viewer
from jieli.duplicates.selectors import may_use_duplicate_queue
from jieli.imports.selectors import may_import


def navigation(request: HttpRequest) -> dict:
    viewer = request_viewer(request)
    if not viewer.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "workspace": True,
            "expert": viewer.is_expert,
            "review": viewer.is_staff_role,
            "back_office": viewer.is_staff_role,
            "imports": may_import(viewer),
            "duplicates": may_use_duplicate_queue(viewer),
        }
    }
