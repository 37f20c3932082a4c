from django.http import HttpRequest

from jieli.core.viewer import ANONYMOUS


def viewer(request: HttpRequest) -> dict:
    return {"viewer": getattr(request, "viewer", ANONYMOUS)}
