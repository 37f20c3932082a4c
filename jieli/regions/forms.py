"""Form fields for the code lists: a cascading region picker and industry/discipline choosers.

Fields clean to the (normalised) code string, which services validate again with
``selectors.validate_*_code``. Choices are built when the widget renders, never at import.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import InvalidInput
from jieli.regions import cache, selectors
from jieli.regions.names_en import NSFC_DEPARTMENTS
from jieli.regions.selectors import Kind


def _children_url() -> str:
    try:
        return reverse("regions:children")
    except NoReverseMatch:
        return ""


class RegionPickerWidget(forms.Widget):
    """Province → prefecture → county ``<select>``s; a tiny inline script loads the next level.

    Without JavaScript the selects still work: submitting re-renders the next level's options.
    """

    template_name = "regions/widgets/region_picker.html"
    LEVEL_LABELS = {1: _("Province"), 2: _("Prefecture"), 3: _("County")}

    def __init__(self, attrs: dict[str, Any] | None = None, *, max_level: int = 3) -> None:
        super().__init__(attrs)
        self.max_level = max_level

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        chosen = ""
        for level in range(1, self.max_level + 1):
            value = str(data.get(f"{name}_{level}") or "")
            if not value:
                break
            if chosen and not value.startswith(chosen):
                # A prefecture outside the chosen province (a stale select): refuse rather
                # than guess which of the two the person meant.
                return f"{chosen}/{value}"
            chosen = value
        return chosen or str(data.get(name) or "")

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(
            f"{name}_{level}" in data for level in range(1, self.max_level + 1)
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = selectors.normalise_region_code(str(value or ""))
        known = bool(code) and bool(selectors.region_label(code))
        selected = {n // 2: code[:n] for n in (2, 4, 6) if known and len(code) >= n}
        levels = []
        parent: str | None = None
        for level in range(1, self.max_level + 1):
            options: list[tuple[str, str]] = []
            if level == 1 or parent:
                options = [
                    (r.code, r.display_name)
                    for r in selectors.region_children(parent, include_retired=False)
                ]
            current = selected.get(level, "")
            if current and current not in {c for c, _n in options}:
                options.append((current, selectors.region_label(current) or current))
            levels.append(
                {
                    "level": level,
                    "name": f"{name}_{level}",
                    "options": options,
                    "selected": current,
                    "label": self.LEVEL_LABELS[level],
                }
            )
            parent = current or None
        context["widget"].update(
            levels=levels,
            children_url=_children_url(),
            value=code,
            label=selectors.region_label(code),
        )
        return context


def _invalid(exc: InvalidInput) -> ValidationError:
    return ValidationError(exc.message, code="invalid_code")


class _CodeField(forms.CharField):
    kind: Kind = "region"

    def __init__(
        self,
        *,
        min_level: int = 1,
        max_level: int | None = None,
        allow_retired: bool = False,
        **kwargs: Any,
    ) -> None:
        self.min_level = min_level
        self.max_level = max_level
        self.allow_retired = allow_retired
        kwargs.setdefault("max_length", 220)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return text.split(" ", 1)[0].strip() if text else ""

    def _validate_code(self, code: str) -> str:
        raise NotImplementedError

    def clean(self, value: Any) -> str:
        code = super().clean(value)
        if not code:
            return ""
        try:
            return self._validate_code(code)
        except InvalidInput as exc:
            raise _invalid(exc) from exc


class RegionChoiceField(_CodeField):
    """A region code chosen with the cascading picker; cleans to the code string."""

    kind: Kind = "region"

    def __init__(
        self,
        *,
        min_level: int = 3,
        max_level: int | None = None,
        allow_retired: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", RegionPickerWidget(max_level=max_level or 3))
        super().__init__(
            min_level=min_level, max_level=max_level, allow_retired=allow_retired, **kwargs
        )

    def _validate_code(self, code: str) -> str:
        return selectors.validate_region_code(
            code,
            min_level=self.min_level,
            max_level=self.max_level,
            allow_retired=self.allow_retired,
        )


class CodeSelect(forms.Select):
    """``<select>`` with one optgroup per top-level entry, built at render time."""

    def __init__(self, kind: Kind, *, max_level: int, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.kind = kind
        self.max_level = max_level

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        self.choices = _grouped_choices(self.kind, self.max_level)
        context = super().get_context(name, value, attrs)
        # app.js makes the long grouped list searchable (Tom Select); a plain select without JS.
        context["widget"]["attrs"]["data-searchable"] = "1"
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        """The same select (same list, language, name, choice and attributes) is rendered once
        per process: its hundreds of options, one template each, were most of a list page's
        CPU (an achievement list page's two code selects: ~60 % of its rendering). Dropped with
        the code-list tables when the lists are reloaded (``regions.cache``)."""
        key = (
            self.kind,
            self.max_level,
            translation.get_language(),
            name,
            tuple(self.format_value(value)),
            repr(sorted({**self.attrs, **(attrs or {})}.items())),
        )
        rendered = cache.memo("regions.code_select", 256)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = super().render(name, value, attrs, renderer)
        return html


class CodeDatalistInput(forms.TextInput):
    """Text input with a ``<datalist>`` of "code name" suggestions (all levels)."""

    template_name = "regions/widgets/code_datalist.html"

    def __init__(
        self, kind: Kind, *, max_level: int | None = None, attrs: dict[str, Any] | None = None
    ):
        super().__init__(attrs)
        self.kind = kind
        self.max_level = max_level

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-list"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        qs = selectors.code_model(self.kind)._default_manager.filter(retired_in="").order_by("code")
        if self.max_level:
            qs = qs.filter(level__lte=self.max_level)
        context["widget"]["suggestions"] = [f"{o.code} {o.display_name}" for o in qs]
        # app.js replaces the datalist by an autocomplete picker over the same code list.
        context["widget"]["attrs"].update(
            {
                "data-code-picker": self.kind,
                "data-url": code_search_url(self.kind),
                "data-placeholder": str(_("Type a name or code")),
                "autocomplete": "off",
            }
        )
        if self.max_level:
            context["widget"]["attrs"]["data-max-level"] = str(self.max_level)
        return context

    def format_value(self, value: Any) -> str | None:
        if value and " " not in str(value):
            label = selectors.code_label(self.kind, str(value))
            if label:
                return f"{value} {label.split(' ')[-1]}"
        return super().format_value(value)


_API_ROUTES = {
    "region": "api:list_regions",
    "industry": "api:list_industries",
    "discipline": "api:list_disciplines",
}


def code_search_url(kind: Kind) -> str:
    """The read-only code-list API that autocomplete pickers query (``?q=`` and ``?parent=``)."""
    try:
        return reverse(_API_ROUTES[kind])
    except NoReverseMatch:
        return ""


class CodePickerInput(forms.TextInput):
    """A text input for one code, or several separated by commas (``multiple=True``), that
    app.js turns into an autocomplete picker (Tom Select) over the code-list API.

    The submitted value stays the plain code string ("C38" or "C, 38, 3811"), so forms and
    services are unchanged and the input still works, as a text field, without JavaScript.
    """

    def __init__(
        self, kind: Kind, *, multiple: bool = False, attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.multiple = multiple

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        import json

        context = super().get_context(name, value, attrs)
        codes = [c for c in str(value or "").replace("，", ",").replace(" ", ",").split(",") if c]
        known = {c: selectors.code_label(self.kind, c) for c in codes}
        context["widget"]["attrs"].update(
            {
                "data-code-picker": self.kind,
                "data-url": code_search_url(self.kind),
                "data-labels": json.dumps({c: label for c, label in known.items() if label}),
                "data-placeholder": str(_("Type a name or code")),
                "autocomplete": "off",
            }
        )
        if self.multiple:
            context["widget"]["attrs"]["data-multiple"] = "1"
        return context


def _grouped_choices(kind: Kind, max_level: int) -> list[Any]:
    model = selectors.code_model(kind)
    rows = list(model._default_manager.filter(retired_in="", level__lte=max_level).order_by("code"))
    choices: list[Any] = [("", _("All"))]
    if kind == "discipline":
        groups: dict[str, list[tuple[str, str]]] = {}
        for obj in rows:
            groups.setdefault(obj.code[0], []).append(
                (obj.code, f"{obj.code} {'· ' * (obj.level - 1)}{obj.display_name}")
            )
        for letter, options in groups.items():
            zh, en = NSFC_DEPARTMENTS.get(letter, (letter, letter))
            choices.append((f"{letter} {en if _is_en() else zh}", options))
        return choices
    by_parent: dict[str, list[Any]] = {}
    for obj in rows:
        by_parent.setdefault(obj.section if kind == "industry" else obj.code[:1], []).append(obj)
    for obj in rows:
        if obj.level != 1:
            continue
        options = [
            (o.code, f"{o.code} {'· ' * (o.level - 1)}{o.display_name}")
            for o in by_parent.get(obj.code, [])
        ]
        choices.append((f"{obj.code} {obj.display_name}", options))
    return choices


def _is_en() -> bool:
    from django.utils import translation

    return translation.get_language() == "en"


class IndustryChoiceField(_CodeField):
    """A GB/T 4754-2017 code: a grouped select up to divisions (``max_level`` ≤ 2), otherwise a
    text input with suggestions that also accepts "C38" or a name ("电气机械")."""

    kind: Kind = "industry"

    def __init__(
        self,
        *,
        min_level: int = 1,
        max_level: int | None = 2,
        allow_retired: bool = False,
        **kwargs: Any,
    ) -> None:
        if max_level is not None and max_level <= 2:
            kwargs.setdefault("widget", CodeSelect("industry", max_level=max_level))
        else:
            kwargs.setdefault("widget", CodeDatalistInput("industry", max_level=max_level))
        super().__init__(
            min_level=min_level, max_level=max_level, allow_retired=allow_retired, **kwargs
        )

    def to_python(self, value: Any) -> str:
        return _code_or_resolved("industry", super(_CodeField, self).to_python(value) or "")

    def _validate_code(self, code: str) -> str:
        return selectors.validate_industry_code(
            code,
            min_level=self.min_level,
            max_level=self.max_level,
            allow_retired=self.allow_retired,
        )


class DisciplineChoiceField(_CodeField):
    """An NSFC discipline code: a grouped select of first-level disciplines (``max_level=1``),
    otherwise a text input with suggestions that also accepts names."""

    kind: Kind = "discipline"

    def __init__(
        self,
        *,
        min_level: int = 1,
        max_level: int | None = None,
        allow_retired: bool = False,
        **kwargs: Any,
    ) -> None:
        if max_level == 1:
            kwargs.setdefault("widget", CodeSelect("discipline", max_level=1))
        else:
            kwargs.setdefault("widget", CodeDatalistInput("discipline", max_level=max_level))
        super().__init__(
            min_level=min_level, max_level=max_level, allow_retired=allow_retired, **kwargs
        )

    def to_python(self, value: Any) -> str:
        return _code_or_resolved("discipline", super(_CodeField, self).to_python(value) or "")

    def _validate_code(self, code: str) -> str:
        return selectors.validate_discipline_code(
            code,
            min_level=self.min_level,
            max_level=self.max_level,
            allow_retired=self.allow_retired,
        )


def _code_or_resolved(kind: Kind, text: str) -> str:
    """ "C38 电气机械…" → "C38"; a bare name resolves when it is unambiguous."""
    if not text:
        return ""
    first = text.split(" ", 1)[0].strip()
    if selectors.code_label(kind, first):
        return first
    try:
        result = selectors.code_resolve(kind, text)
    except InvalidInput:
        return first
    if result is not None and result.code and not result.ambiguous:
        return result.code
    return first
