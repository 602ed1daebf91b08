"""The screening-app benchmark (benchmarks/screening_app.py): the corpus it times the app on."""

from benchmarks import screening_app


def test_the_corpus_repeats_the_real_set_with_a_copy_number_and_the_original_labels() -> None:
    """Runs on Nagtegaal 2019 where ../shared is present and on the Embase excerpt elsewhere (the benchmark
    once crashed on the real set after ``labelled`` came to take a path, and no test read it)."""
    records, labels, source = screening_app.corpus(6000)
    period = {"Nagtegaal_2019.csv": 2019, screening_app.FALLBACK.name: None}[source]
    originals = [r.title.split("] ", 1)[1] for r in records]
    period = period or originals.index(originals[0], 1)
    assert all(r.title.startswith(f"[{i}] ") for i, r in enumerate(records))
    assert originals[:period] == originals[period:2 * period] and labels[:period] == labels[period:2 * period]
    assert 0 < sum(labels) < len(labels) and len({r.id for r in records}) == 6000
