"""The screening progress chart: its legend says where each of the four stopping rules stands."""

from __future__ import annotations

from review_tools import screening_figures, stopping


def test_the_legend_names_every_rules_verdict_and_the_recall_bound() -> None:
    labels = [1] * 30 + [1, 0] * 20 + [0] * 1500  # the decay model stops here; the knee method too
    state = stopping.progress(labels, 2000)
    fig = screening_figures.progress_chart(labels, 2000, state=state, title="title/abstract: anna")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    rules = " ".join(t for t in legend if t.startswith(("buscar:", "decay model:")))
    assert f"buscar: {screening_figures.verdict(state.buscar_stop)}" in rules
    assert f"decay model: {screening_figures.verdict(state.decay_stop)}" in rules
    assert state.either_stop and "either rule: stop" in rules
    assert any(t.startswith("recall at least") for t in legend)
    assert screening_figures.png(fig).startswith(b"\x89PNG")
