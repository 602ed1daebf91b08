"""The stopping benchmark (benchmarks/stopping.py): its cache of screening orders and its list of sets."""

from benchmarks import stopping as bench

from review_tools import prioritise


def test_an_order_is_simulated_once_and_read_back_for_the_same_data_and_code(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bench, "ORDERS", tmp_path / "orders")
    data = tmp_path / "set.csv"
    data.write_text("title,label\n")
    simulated = []
    monkeypatch.setattr(prioritise, "simulate", lambda x, labels, seed: simulated.append(seed) or [2, 0, 1])
    assert bench.our_order(data, None, [0, 1, 0], 1) == [2, 0, 1]
    assert bench.our_order(data, None, [0, 1, 0], 1) == [2, 0, 1]
    assert simulated == [1]  # the second came from the cache
    bench.our_order(data, None, [0, 1, 0], 2)
    data.write_text("title,label\nother\n")
    bench.our_order(data, None, [0, 1, 0], 1)
    assert simulated == [1, 2, 1]  # another seed, other data: simulated again
    assert not list((tmp_path / "orders").glob("*.part"))


def test_the_topics_are_fetched_from_the_fixed_commit_with_their_hashes() -> None:
    assert len(bench.DOWNLOADS) == 9 and "Cohen_2006_ACEInhibitors.csv" not in bench.DOWNLOADS
    for file, (origin, sha) in bench.DOWNLOADS.items():
        assert origin == f"datasets/Cohen_2006/output/local/{file.removeprefix('Cohen_2006_')}" and len(sha) == 64
