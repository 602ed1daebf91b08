"""A screening interface for JupyterLab (ipywidgets): one record at a time, search terms highlighted,
the stage's criteria listed, include / exclude (with reasons) / maybe, a note, progress with the stopping
rules and a chart, and single-key decisions (ipyevents: i, e, m, 1-9 for reasons, u to undo ...).

Every button writes through :class:`review_tools.screening.DecisionLog`, so the decisions land in the same
append-only files as any other.  The view is blind: it reads only this reviewer's own decisions.

The records still to come are ranked again after every decision (:class:`review_tools.prioritise.Ranker`),
in a background thread, so a sitting learns as it goes, as the simulation does, and the next record never
waits for the model.  Until the reviewer has included one record and excluded one, there is no model: the
records matching the protocol's search terms best come first (BM25), not the export's order.  One reviewer
has one live session per stage: a second one (another tab, another kernel, a colleague who kept the default
name) is refused, since both would decide the same records.
"""

from __future__ import annotations

import html
import multiprocessing
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import quote

import ipywidgets as w
import numpy as np
from filelock import FileLock, Timeout
from ipyevents import Event

from review_tools.highlight import highlight
from review_tools.prioritise import Ranker, feature_matrix, query_scores, texts
from review_tools.records import Record, fold
from review_tools.screening import (
    EXCLUDE,
    INCLUDE,
    MAYBE,
    RESOLVERS,
    UNDECIDED,
    Decision,
    DecisionLog,
    ScreeningError,
    disagreements,
    screened_in_order,
)
from review_tools.screening_figures import png, progress_chart
from review_tools.stopping import buscar_stops, knee_stops, progress

SHORTCUTS = {"i": INCLUDE, "e": EXCLUDE, "m": MAYBE, "s": "skip", "b": "back", "u": "undo", "r": "revisit"}
# and the digits 1-9 tick or untick the stage's criteria (exclusion reasons) in the order listed
CHART_EVERY = 10  # decisions between redrawings of the progress chart
NEXT_RECORD_WAIT = 0.5  # seconds from a decision until the next record is on screen, at most
WAIT_SLACK = 0.02  # seconds of that kept for the widgets' own work and thread switching
FEATURES_ELSEWHERE_FROM = 5_000  # records: from here their features are built in another process


def features(records: Sequence[Record], terms: Sequence[str] = (),
             on_scores: Callable[[np.ndarray], None] | None = None):
    """The records' TF-IDF features (:func:`review_tools.prioritise.feature_matrix`) and their scores for
    the search ``terms`` (:func:`review_tools.prioritise.query_scores`; None without terms); from
    :data:`FEATURES_ELSEWHERE_FROM` records on, in another process.  Building them is Python code that
    holds the interpreter lock for seconds (about 10 s at 20,000 records): in a thread beside the app it
    slowed every click meanwhile to 0.8-1 s.  In the other process the scores come first (about 1.6 s at
    20,000 records) and are handed to ``on_scores`` while the features are still being built."""
    documents = texts(records)
    if len(documents) < FEATURES_ELSEWHERE_FROM:
        return feature_matrix(documents), query_scores(documents, list(terms)) if terms else None
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        scoring = pool.submit(query_scores, documents, list(terms)) if terms else None
        building = pool.submit(feature_matrix, documents)
        scores = scoring.result() if scoring is not None else None
        if scores is not None and on_scores is not None:
            on_scores(scores)
        return building.result(), scores


def _links(rec: Record) -> str:
    """Links to the record's DOI and its page or full text, opening in a new tab (escaped; only http(s))."""
    links = []
    if rec.doi:
        href = "https://doi.org/" + quote(rec.doi, safe="/:;()._-")
        links.append(f'<a href="{html.escape(href)}" target="_blank" rel="noopener">doi:{html.escape(rec.doi)}</a>')
    if rec.url.startswith(("https://", "http://")):
        links.append(f'<a href="{html.escape(rec.url)}" target="_blank" rel="noopener">full text / record page</a>')
    return f"<p>{' &middot; '.join(links)}</p>" if links else ""


class ScreeningApp:
    """Build with the records to screen (in the order to show them, e.g. prioritised), then display
    ``app.widget`` in a notebook cell."""

    def __init__(self, records: Sequence[Record], log: DecisionLog, *, stage: str, reviewer: str,
                 terms: Sequence[str] = (), rerank: bool = True):
        self.log, self.stage, self.reviewer, self.terms = log, stage, reviewer, list(terms)
        self._session = self._claim_session()
        own = log.latest(stage, reviewer).get(reviewer, {})
        self.decided = {i: d.decision for i, d in own.items()}
        # a resolver sees the records the reviewers disagree on, with everyone's decisions, and nothing else
        self.conflicts = disagreements(log, stage) if reviewer in RESOLVERS else None
        if self.conflicts is not None:
            records = [r for r in records if r.id in self.conflicts]
        self.records = [r for r in records if r.id not in own]
        self.by_id = {r.id: r for r in records}
        self.ids = set(self.by_id)
        self.total = len(records)
        self.index = 0
        self._lock = threading.Lock()
        self._ranked = threading.Condition(self._lock)  # notified when a ranking is applied
        self._ranking: threading.Thread | None = None  # the background ranker, while it has work
        self._request: dict[str, str] | None = None  # the decisions the next ranking is to learn from
        self._requested = self._applied = 0  # how many rankings were asked for, and which one is in place
        self._fit_seconds = 0.0  # how long the last ranking took
        self._render_seconds: deque[float] = deque(maxlen=CHART_EVERY)  # the last drawings' durations
        self._shown = -1  # the position whose record is on screen
        self.history: list[tuple[Record, str]] = []  # this session's decisions, for undo
        self._reranks = rerank
        self.ranking_error: str | None = None  # why re-ranking stopped, shown on the progress line
        self._ranker: Ranker | None = None  # built in the background: features take seconds at 20,000 records
        if rerank:
            self._request, self._requested = dict(self.decided), 1
            self._ranking = threading.Thread(target=self._prepare, args=(records,), daemon=True)
            self._ranking.start()
            self._await_ranking(1, NEXT_RECORD_WAIT)  # the first record is the ranking's best if in time
        criteria = log.protocol.criteria_for(stage)
        self.card = w.HTML()
        self.progress = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(width="480px"))
        self._charted = -CHART_EVERY  # decisions counted when the chart was last drawn (none yet)
        self._charting: threading.Thread | None = None
        self._chart_due: list[int] | None = None  # labels to chart once the record is drawn
        self._bound: float | None = None  # the recall confirmed when the chart was last drawn
        self._decay: tuple[int, bool] | None = None  # records screened and the decay model's verdict then
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
            "undo": w.Button(description="Undo (u)"),
            "revisit": w.Button(description="Revisit maybes (r)"),
        }
        for action, button in self.buttons.items():
            button.on_click(lambda _b, action=action: self.act(action))
        self.shortcut = w.Text(placeholder="Shortcut: type i, e, m, s, b, u or r and press Enter",
                               continuous_update=False)
        self.shortcut.observe(self._on_shortcut, names="value")
        self.record_area = w.VBox([self.progress, self.card])
        # single keys while the pointer is over the record (ipyevents); typing in the note is not a decision
        self.keys = Event(source=self.record_area, watched_events=["keydown"], ignore_modifier_key_events=True)
        self.keys.on_dom_event(self.on_key)
        self.search = w.Text(placeholder="Find a record you know (words of its title) and press Enter",
                             continuous_update=False, layout=w.Layout(width="95%"))
        self.search.observe(lambda change: self.find(change["new"] or ""), names="value")
        self.widget = w.VBox([self.record_area, self.reasons, self.note,
                              w.HBox(list(self.buttons.values())), self.shortcut, self.search, self.message,
                              self.chart])
        self.render()

    def _claim_session(self) -> FileLock:
        """Hold this reviewer's session lock for the stage, or refuse with an error that says why."""
        folder = self.log.directory / ".sessions"
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / f"{self.stage}__{self.reviewer}.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise ScreeningError(
                f"{self.reviewer} already has a live screening session for {self.stage} (another tab or kernel): "
                "close it first, or screen under another reviewer name") from None
        weakref.finalize(self, lock.release)
        return lock

    def close(self) -> None:
        """End the session: wait for a ranking under way and let the reviewer open another session."""
        self.wait()
        self._session.release()

    def wait(self) -> None:
        """Wait until the records to come are ranked by every decision so far and the chart is drawn (tests,
        undo and find; a decision never waits for more than :data:`NEXT_RECORD_WAIT`)."""
        with self._ranked:
            self._ranked.wait_for(lambda: self._ranking is None)
        if self._charting is not None:
            self._charting.join()

    def _rerank(self, started: float) -> None:
        """Ask for the records still to come to be ranked by the decisions so far, in the background, and
        wait for it until :data:`NEXT_RECORD_WAIT` seconds after ``started`` (the click), less the time the
        record then takes to draw (the longest of the last :data:`CHART_EVERY` drawings: the one that starts
        the chart takes longer).  If the ranking is done by then, the next record is its best; otherwise
        the old ranking's next one is shown and the new order applies to the records after it.  When the
        ranker is still busy with earlier decisions, or the last ranking took longer than the time left, the
        next record is shown at once.

        One background thread ranks: a reviewer deciding faster than the model fits does not start a pile
        of fits, each made stale by the next decision; the thread fits again with the latest decisions
        until none are new."""
        if not self._reranks:
            return
        with self._lock:
            self._requested += 1
            wanted = self._requested
            self._request = dict(self.decided)
            busy = self._ranking is not None
            if not busy:
                self._ranking = threading.Thread(target=self._rank_until_current, daemon=True)
                self._ranking.start()
        if NEXT_RECORD_WAIT is None:
            budget = None
        else:
            budget = (NEXT_RECORD_WAIT - (time.perf_counter() - started) - max(self._render_seconds, default=0.0)
                      - WAIT_SLACK)
            if busy or self._fit_seconds > budget:
                return  # this ranking cannot be done in time: waiting for it would only delay the next record
        self._await_ranking(wanted, budget)

    def _await_ranking(self, wanted: int, timeout: float | None) -> None:
        """Wait until ranking number ``wanted`` is applied, the ranker has stopped (done, or failed: then
        that ranking never comes), or ``timeout`` seconds have passed (None: no limit)."""
        with self._ranked:
            self._ranked.wait_for(lambda: self._applied >= wanted or self._ranking is None, timeout=timeout)

    def _prepare(self, records: Sequence[Record]) -> None:
        """The background ranker's first task: the features of every record (the session opens meanwhile,
        in the order given), then the rankings asked for so far.  If the features or a ranking fail, the
        session goes on in the order it has, and says so."""
        try:
            x, scores = features(records, self.terms, lambda found: self._by_terms(records, found)) \
                if records else (None, None)
            self._ranker = Ranker(records, features=x, scores=scores)
            self._rank_until_current()
        except Exception as exc:  # any failure of the model must leave the session usable
            with self._lock:
                self.ranking_error = f"{type(exc).__name__}: {exc}"
                self._reranks = False
                self._ranking = None
                self._ranked.notify_all()

    def _by_terms(self, records: Sequence[Record], scores: np.ndarray) -> None:
        """While a large set's features are still being built: the records to come by the search terms,
        unless the decisions already call for a model (which must wait for the features)."""
        ranker = Ranker(records, scores=scores)
        with self._lock:
            decided = dict(self.decided)
            if not ranker.has_model(decided):
                self._apply(ranker.order(decided, self.records[self.index:]))

    def _rank_until_current(self) -> None:
        """The background ranker: rank the records to come by the latest decisions, apply the order, and
        again while newer decisions came in meanwhile."""
        while True:
            with self._lock:
                decided, self._request = self._request, None
                if decided is None:
                    self._ranking = None
                    self._ranked.notify_all()
                    return
                wanted = self._requested
                upcoming = self.records[self.index:]
            started = time.perf_counter()
            ordered = self._ranker.order(decided, upcoming)
            self._fit_seconds = time.perf_counter() - started
            with self._lock:
                self._apply(ordered)
                self._applied = wanted
                self._ranked.notify_all()

    def _apply(self, ordered: Sequence[Record]) -> None:
        """Put the records to come in the ``ordered`` order (under the lock).  The record on screen stays
        where it is, and records the ranking did not see (moved in since it started, e.g. by undo) follow."""
        rest = self.records[self.index:]
        keep = rest[:1] if self._shown == self.index else []
        ids = {r.id for r in rest[len(keep):]}
        ranked = [r for r in ordered if r.id in ids]
        placed = {r.id for r in ranked}
        self.records[self.index:] = keep + ranked + [r for r in rest[len(keep):] if r.id not in placed]

    @property
    def current(self) -> Record | None:
        return self.records[self.index] if 0 <= self.index < len(self.records) else None

    def render(self) -> None:
        """Show the current record and the progress line (their time is kept for a decision's wait budget)."""
        started = time.perf_counter()
        self._draw()
        self._render_seconds.append(time.perf_counter() - started)
        if self._chart_due is not None:
            self._redraw(self._chart_due)
            self._chart_due = None

    def _draw(self) -> None:
        with self._lock:
            self._shown = self.index
        done = sum(1 for i in self.decided if i in self.ids)
        stopped = (" &middot; <span style='color:#cf222e'>not re-ranked (the records keep their order): "
                   f"{html.escape(self.ranking_error)}</span>") if self.ranking_error else ""
        self.progress.value = (f"<b>{html.escape(self.reviewer)}</b> &middot; {html.escape(self.stage)} &middot; "
                               f"{done} of {self.total} screened{self._stopping()}{stopped}")
        rec = self.current
        if rec is None:
            maybes = self._maybes()
            self.card.value = "<p><b>Nothing left to screen at this stage.</b></p>" + (
                f"<p>{len(maybes)} record(s) you marked 'maybe': Revisit (r) shows them again.</p>" if maybes else "")
            return
        meta = " &middot; ".join(html.escape(x) for x in (
            "; ".join(rec.authors[:6]), str(rec.year or ""), rec.journal, rec.database) if x)
        self.card.value = (f"<h3>{highlight(rec.title, self.terms)}</h3><p>{meta}</p>{_links(rec)}"
                           f"<p>{highlight(rec.abstract, self.terms) or '<i>No abstract.</i>'}</p>"
                           + self._others(rec))
        self.reasons.value = ()
        self.note.value = ""

    def _others(self, rec: Record) -> str:
        """For a resolver: who decided what on this record, with reasons and notes (escaped)."""
        if not self.conflicts or rec.id not in self.conflicts:
            return ""
        items = "".join(
            f"<li><b>{html.escape(d.reviewer)}</b>: {html.escape(d.decision)}"
            + (f" ({html.escape(', '.join(d.reasons))})" if d.reasons else "")
            + (f" &mdash; {html.escape(d.note)}" if d.note else "") + "</li>" for d in self.conflicts[rec.id])
        return f"<p><b>The reviewers disagree:</b></p><ul>{items}</ul>"

    def _stopping(self) -> str:
        """Relevant found so far, the recall confirmed (buscar, 95 % confidence) and what the four stopping
        rules say (:mod:`review_tools.stopping`; the either rule from buscar now and the decay model's last
        verdict); the chart, the recall bound and the decay model's verdict are redrawn every
        :data:`CHART_EVERY` decisions, once the record is drawn (the drawing thread would slow this one)."""
        if self.conflicts is not None:
            return ""
        labels = screened_in_order(d for i, d in self.decided.items() if i in self.ids)
        if abs(len(labels) - self._charted) >= CHART_EVERY or (self.current is None and len(labels) != self._charted):
            self._chart_due = labels
        found = sum(labels)
        if not found:
            return ""
        buscar = buscar_stops(labels, self.total)
        verdict = "you may stop" if buscar else "keep screening"
        knee = "stop" if knee_stops(labels) else "keep screening"
        bound = "" if self._bound is None else f" &middot; recall at least {self._bound:.0%} (95 % confidence)"
        decay = "" if self._decay is None else \
            f" &middot; decay model: {'stop' if self._decay[1] else 'keep screening'} (at {self._decay[0]} screened)"
        either = "stop" if buscar or (self._decay is not None and self._decay[1]) else "keep screening"
        return (f" &middot; {found} relevant found{bound} &middot; buscar: {verdict} &middot; knee method: {knee}"
                f"{decay} &middot; either rule: {either}")

    def _redraw(self, labels: list[int]) -> None:
        """Draw the progress chart and the recall bound in the background (a few tenths of a second), so
        that the next record does not wait for them; one drawing at a time."""
        if self._charting is not None and self._charting.is_alive():
            if self.current is not None:
                return  # the next redrawing comes 10 decisions on
            self._charting.join()
        self._charted = len(labels)

        def work() -> None:
            state = progress(labels, self.total)
            self.chart.value = png(progress_chart(labels, self.total, state=state))
            # the count the verdict belongs to, not _charted, which moves on when the next drawing starts
            self._bound, self._decay = state.recall_bound, (len(labels), state.decay_stop)

        self._charting = threading.Thread(target=work)  # not a daemon: an exit waits for a drawing under way
        self._charting.start()

    def _maybes(self) -> list[Record]:
        """The records this reviewer marked 'maybe' (in this session or before), to revisit."""
        return [self.by_id[i] for i, d in self.decided.items() if d == MAYBE and i in self.by_id]

    def act(self, action: str) -> None:
        """Record a decision (or move): the same path the buttons and shortcuts take."""
        started = time.perf_counter()
        rec = self.current
        if action == "undo":
            self._undo()
        elif action == "revisit":
            with self._lock:
                self.records[self.index:] = self._maybes()
        elif action in ("back", "skip"):
            with self._lock:
                self.index = max(0, self.index - 1) if action == "back" else self.index + 1
        elif rec is not None:
            if not self._save(Decision(rec.id, self.stage, self.reviewer, action,
                                       tuple(self.reasons.value) if action != INCLUDE else (), self.note.value)):
                return
            self.message.value = f"Saved: {html.escape(action)} for {html.escape(rec.id)}"
            self.decided[rec.id] = action
            self.history.append((rec, action))
            with self._lock:
                self.index += 1
            self._rerank(started)
        self.render()

    def _save(self, decision: Decision) -> bool:
        """Append ``decision`` to the log; a failed save says so (the last 'Saved' is not left showing)."""
        try:
            self.log.record([decision])
        except (ScreeningError, OSError) as exc:
            self.message.value = f"<span style='color:#cf222e'>Not saved: {html.escape(str(exc))}</span>"
            return False
        return True

    def find(self, text: str) -> Record | None:
        """Show next the first undecided record whose title or abstract holds every word of ``text``: a
        reviewer who knows relevant records seeds the model with them first, as ASReview's prior-knowledge
        search does.  Returns the record, or None (and says so) when none matches."""
        words = fold(text).split()
        if not words:
            return None
        self.wait()  # a ranking under way would put the found record back in rank order
        with self._lock:
            match = next((i for i in range(self.index, len(self.records))
                          if self.records[i].id not in self.decided
                          and all(w in fold(f"{self.records[i].title} {self.records[i].abstract}").split()
                                  for w in words)), None)
            if match is not None:
                self.records.insert(self.index, self.records.pop(match))
        self.message.value = ("No undecided record matches." if match is None
                              else f"Found: {html.escape(self.records[self.index].title[:80])}")
        self.render()
        return None if match is None else self.records[self.index]

    def _undo(self) -> None:
        """Take this session's last decision back: an 'undecided' row is appended (the log is never edited)
        and its record is shown again, next."""
        if not self.history:
            self.message.value = "Nothing to undo in this session."
            return
        rec, action = self.history[-1]
        if not self._save(Decision(rec.id, self.stage, self.reviewer, UNDECIDED, (), f"undo of {action}")):
            return
        self.history.pop()
        self.decided.pop(rec.id, None)
        self.wait()
        with self._lock:
            pos = next(i for i, r in enumerate(self.records) if r is rec)
            del self.records[pos]
            if pos < self.index:
                self.index -= 1
            self.records.insert(self.index, rec)
        self.message.value = f"Undone: {html.escape(action)} for {html.escape(rec.id)}"

    def on_key(self, event: dict) -> None:
        """A key pressed over the record: i, e, m, s, b, u, r as the buttons; 1-9 tick the nth criterion."""
        if event.get("type", "keydown") != "keydown" or event.get("ctrlKey") or event.get("metaKey") \
                or event.get("altKey"):
            return
        key = str(event.get("key", "")).lower()
        if key in SHORTCUTS:
            self.act(SHORTCUTS[key])
        elif key.isdigit() and key != "0":
            codes = [code for _label, code in self.reasons.options]
            n = int(key) - 1
            if n < len(codes):
                ticked = set(self.reasons.value) ^ {codes[n]}
                self.reasons.value = tuple(c for c in codes if c in ticked)

    def _on_shortcut(self, change) -> None:
        key = (change["new"] or "").strip().lower()
        if key in SHORTCUTS:
            self.act(SHORTCUTS[key])
        self.shortcut.value = ""
