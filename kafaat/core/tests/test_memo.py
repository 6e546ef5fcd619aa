"""The bounded memo shared by the chart renderer and the dashboard."""

from kafaat.core.pages import RecentMemo


def test_a_remembered_value_is_not_computed_again_and_the_least_recent_goes_first():
    memo = RecentMemo(size=2)
    computed = []

    def value(key):
        return memo.get(key, lambda: computed.append(key) or key * 10)

    assert [value(1), value(2), value(1)] == [10, 20, 10]
    assert computed == [1, 2]
    value(3)  # over the size: 2 is the least recently used (1 was used after it)
    assert computed == [1, 2, 3]
    value(1)
    value(2)
    assert computed == [1, 2, 3, 2]
    assert memo.info() == {"hits": 2, "misses": 4, "size": 2}


def test_clear_forgets_the_values_and_the_counts():
    memo = RecentMemo(size=4)
    memo.get("a", lambda: 1)
    memo.get("a", lambda: 2)
    memo.clear()
    assert memo.info() == {"hits": 0, "misses": 0, "size": 0}
    assert memo.get("a", lambda: 3) == 3
