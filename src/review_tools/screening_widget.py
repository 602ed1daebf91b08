"""A screening interface for JupyterLab (ipywidgets): one record at a time, search terms highlighted,
the stage's criteria listed, include / exclude (with reasons) / maybe, a note, progress, and shortcuts.

Every button writes through :class:`review_tools.screening.DecisionLog`, so the decisions land in the same
append-only files as any other.  The view is blind: it reads only this reviewer's own decisions.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as w

from review_tools.highlight import highlight
from review_tools.records import Record
from review_tools.screening import EXCLUDE, INCLUDE, MAYBE, Decision, DecisionLog, ScreeningError

SHORTCUTS = {"i": INCLUDE, "e": EXCLUDE, "m": MAYBE, "s": "skip", "b": "back"}


class ScreeningApp:
    """Build with the records to screen (in the order to show them, e.g. prioritised), then display
    ``app.widget`` in a notebook cell."""

    def __init__(self, records: Sequence[Record], log: DecisionLog, *, stage: str, reviewer: str,
                 terms: Sequence[str] = ()):
        self.log, self.stage, self.reviewer, self.terms = log, stage, reviewer, list(terms)
        done = set(log.latest(stage, reviewer).get(reviewer, {}))
        self.records = [r for r in records if r.id not in done]
        self.total = len(records)
        self.index = 0
        criteria = log.protocol.criteria_for(stage)
        self.card = w.HTML()
        self.progress = w.HTML()
        self.message = w.HTML()
        self.reasons = w.SelectMultiple(options=[(f"{c.code}: {c.text}", c.code) for c in criteria],
                                        description="Reasons", rows=min(8, max(3, len(criteria))),
                                        layout=w.Layout(width="95%"))
        self.note = w.Textarea(placeholder="Note (optional)", layout=w.Layout(width="95%"))
        self.buttons = {
            INCLUDE: w.Button(description="Include (i)", button_style="success"),
            EXCLUDE: w.Button(description="Exclude (e)", button_style="danger"),
            MAYBE: w.Button(description="Maybe (m)", button_style="warning"),
            "skip": w.Button(description="Skip (s)"),
            "back": w.Button(description="Back (b)"),
        }
        for action, button in self.buttons.items():
            button.on_click(lambda _b, action=action: self.act(action))
        self.shortcut = w.Text(placeholder="Shortcut: type i, e, m, s or b and press Enter", continuous_update=False)
        self.shortcut.observe(self._on_shortcut, names="value")
        self.widget = w.VBox([self.progress, self.card, self.reasons, self.note,
                              w.HBox(list(self.buttons.values())), self.shortcut, self.message])
        self.render()

    @property
    def current(self) -> Record | None:
        return self.records[self.index] if 0 <= self.index < len(self.records) else None

    def render(self) -> None:
        done = self.total - len(self.records) + self.index
        self.progress.value = (f"<b>{html.escape(self.reviewer)}</b> &middot; {html.escape(self.stage)} &middot; "
                               f"{done} of {self.total} screened")
        rec = self.current
        if rec is None:
            self.card.value = "<p><b>Nothing left to screen at this stage.</b></p>"
            return
        meta = " &middot; ".join(html.escape(x) for x in (
            "; ".join(rec.authors[:6]), str(rec.year or ""), rec.journal, rec.database) if x)
        self.card.value = (f"<h3>{highlight(rec.title, self.terms)}</h3><p>{meta}</p>"
                           f"<p>{highlight(rec.abstract, self.terms) or '<i>No abstract.</i>'}</p>")
        self.reasons.value = ()
        self.note.value = ""

    def act(self, action: str) -> None:
        """Record a decision (or move): the same path the buttons and shortcuts take."""
        rec = self.current
        if action == "back":
            self.index = max(0, self.index - 1)
        elif action == "skip":
            self.index += 1
        elif rec is not None:
            decision = Decision(rec.id, self.stage, self.reviewer, action,
                                tuple(self.reasons.value) if action != INCLUDE else (), self.note.value)
            try:
                self.log.record([decision])
            except ScreeningError as exc:
                self.message.value = f"<span style='color:#cf222e'>{html.escape(str(exc))}</span>"
                return
            self.message.value = f"Saved: {html.escape(action)} for {html.escape(rec.id)}"
            self.index += 1
        self.render()

    def _on_shortcut(self, change) -> None:
        key = (change["new"] or "").strip().lower()
        if key in SHORTCUTS:
            self.act(SHORTCUTS[key])
        self.shortcut.value = ""
