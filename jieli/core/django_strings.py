"""Django messages whose zh-hans translation Django itself does not ship yet.

Django 5.1 changed the msgid of the password-length message (``%(min_length)d`` became ``%d``)
and its zh_Hans catalogue still has only the old one, so sign-up showed English on Chinese pages.
Naming the new msgids here puts them into our catalogue, which Django consults first; the
catalogue check in ``make test`` then keeps them translated.
"""

from django.utils.translation import ngettext_lazy

DJANGO_MSGIDS = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
)
